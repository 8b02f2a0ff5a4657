package io.reelay.auth;

/** Who is calling: the operator (admin token) or a user with a role. */
public record Principal(String userId, String username, Role role) {
  /** Roles in increasing power: each includes what the ones before it may do. */
  public enum Role {
    VIEWER,
    CREATOR,
    ADMIN;

    public boolean atLeast(Role other) {
      return compareTo(other) >= 0;
    }
  }

  public static final String ADMIN_ID = "admin";

  public static Principal admin() {
    return new Principal(ADMIN_ID, "admin", Role.ADMIN);
  }

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }
}
