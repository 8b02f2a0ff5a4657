package io.reelay.viewer;

/** The login limit the tests expect, read from the production constant. */
final class AccountsHttpModuleLimits {
  static final int PER_USER = io.reelay.auth.AccountsHttpModule.MAX_FAILURES_PER_USER;

  private AccountsHttpModuleLimits() {}
}
