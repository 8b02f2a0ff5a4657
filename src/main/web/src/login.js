import { api, forgetMe } from './api.js';
import { h } from './util.js';
import { navigate } from './main.js';

export function loginPage(main) {
  const error = h('p', { class: 'error', role: 'alert' });
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username', required: true, minlength: 3, maxlength: 32 });
  const pass = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, minlength: 8 });
  const submit = async (e, register) => {
    e.preventDefault();
    error.textContent = '';
    try {
      if (register) await api('POST', '/api/users', { username: user.value, password: pass.value });
      await api('POST', '/api/login', { username: user.value, password: pass.value });
      forgetMe();
      const back = new URLSearchParams(location.search).get('next');
      navigate(back && back.startsWith('/') && !back.startsWith('//') ? back : '/');
    } catch (err) {
      error.textContent = err.message;
    }
  };
  const form = h('form', { class: 'stack', onsubmit: (e) => submit(e, false) },
    h('label', { for: 'username' }, 'Username'), user,
    h('label', { for: 'password' }, 'Password'), pass,
    h('div', { class: 'controls' },
      h('button', { type: 'submit' }, 'Log in'),
      h('button', { type: 'button', class: 'secondary', id: 'register', onclick: (e) => submit(e, true) }, 'Create account')),
    error);
  main.append(h('h1', {}, 'Log in'), form);
  user.focus();
}
