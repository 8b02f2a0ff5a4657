package io.reelay.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Every setting of a Reelay process, read and validated in one place. An invalid value stops
 * start-up with a {@link ConfigException} naming the setting. Verticles receive this as JSON in
 * their deployment config and rebuild it with {@link #fromJson}.
 */
public record ReelayConfig(
    String httpHost,
    int httpPort,
    int rtmpPort,
    Path dataDir,
    Optional<String> kafkaBootstrap,
    Optional<String> redisUrl,
    Optional<String> s3Endpoint,
    Optional<String> s3AccessKey,
    Optional<String> s3SecretKey,
    String s3Bucket,
    String s3Region,
    Optional<String> adminToken,
    Set<String> roles,
    int embeddedKafkaPort,
    int embeddedRedisPort,
    int embeddedS3Port,
    Optional<String> s3PublicEndpoint,
    UploadSettings upload) {

  /** Roles a process can take; {@code all} means every one but {@code services}. */
  public static final List<String> ALL_ROLES =
      List.of("ingest", "upload", "dispatch", "worker", "cache", "manifest", "delivery");

  /** Runs only the embedded backing services, for other processes to point at. */
  public static final String SERVICES_ROLE = "services";

  public static ReelayConfig load(Settings s) {
    Path dataDir = Path.of(s.get("REELAY_DATA_DIR", "./data")).toAbsolutePath().normalize();
    Optional<String> kafka = s.get("REELAY_KAFKA_BOOTSTRAP").map(ReelayConfig::checkBootstrap);
    Optional<String> redis = s.get("REELAY_REDIS_URL").map(ReelayConfig::checkRedisUrl);
    Optional<String> s3 = s.get("REELAY_S3_ENDPOINT").map(ReelayConfig::checkS3Endpoint);
    Optional<String> accessKey = s.get("REELAY_S3_ACCESS_KEY");
    Optional<String> secretKey = s.get("REELAY_S3_SECRET_KEY");
    if (s3.isPresent() && (accessKey.isEmpty() || secretKey.isEmpty())) {
      throw new ConfigException(
          "REELAY_S3_ACCESS_KEY",
          "an external REELAY_S3_ENDPOINT needs REELAY_S3_ACCESS_KEY and REELAY_S3_SECRET_KEY");
    }
    String bucket = s.get("REELAY_S3_BUCKET", "reelay");
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new ConfigException("REELAY_S3_BUCKET", "'" + bucket + "' is not a valid bucket name");
    }
    return new ReelayConfig(
        s.get("REELAY_HTTP_HOST", "0.0.0.0"),
        s.port("REELAY_HTTP_PORT", 8080),
        s.port("REELAY_RTMP_PORT", 1935),
        dataDir,
        kafka,
        redis,
        s3,
        accessKey,
        secretKey,
        bucket,
        s.get("REELAY_S3_REGION", "us-east-1"),
        s.get("REELAY_ADMIN_TOKEN"),
        parseRoles(s.get("REELAY_ROLES", "all")),
        s.port("REELAY_EMBEDDED_KAFKA_PORT", 0),
        s.port("REELAY_EMBEDDED_REDIS_PORT", 0),
        s.port("REELAY_EMBEDDED_S3_PORT", 0),
        s.get("REELAY_S3_PUBLIC_ENDPOINT").map(ReelayConfig::checkPublicEndpoint),
        UploadSettings.load(s));
  }

  static String checkPublicEndpoint(String raw) {
    URI uri = parseUri("REELAY_S3_PUBLIC_ENDPOINT", raw);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new ConfigException(
          "REELAY_S3_PUBLIC_ENDPOINT", "'" + raw + "' must be an http(s) URL");
    }
    return raw;
  }

  /** The S3 endpoint browsers reach for presigned URLs: the public one, else the store's own. */
  public String s3EndpointForClients() {
    return s3PublicEndpoint.or(() -> s3Endpoint).orElseThrow();
  }

  static Set<String> parseRoles(String raw) {
    Set<String> roles = new LinkedHashSet<>();
    for (String part : raw.split(",")) {
      String role = part.trim().toLowerCase(Locale.ROOT);
      if (role.isEmpty()) {
        continue;
      }
      if (role.equals("all")) {
        roles.addAll(ALL_ROLES);
      } else if (ALL_ROLES.contains(role) || role.equals(SERVICES_ROLE)) {
        roles.add(role);
      } else {
        throw new ConfigException(
            "REELAY_ROLES",
            "unknown role '" + role + "' (known: all, services, " + ALL_ROLES + ")");
      }
    }
    if (roles.isEmpty()) {
      throw new ConfigException("REELAY_ROLES", "no role given");
    }
    return Set.copyOf(roles);
  }

  static String checkBootstrap(String raw) {
    for (String hostPort : raw.split(",")) {
      checkHostPort("REELAY_KAFKA_BOOTSTRAP", hostPort.trim());
    }
    return raw;
  }

  private static void checkHostPort(String setting, String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new ConfigException(setting, "'" + hostPort + "' is not host:port");
    }
    try {
      int port = Integer.parseInt(hostPort.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new ConfigException(
            setting, "port " + port + " in '" + hostPort + "' is out of range");
      }
    } catch (NumberFormatException e) {
      throw new ConfigException(setting, "'" + hostPort + "' has no numeric port");
    }
  }

  static String checkRedisUrl(String raw) {
    URI uri = parseUri("REELAY_REDIS_URL", raw);
    if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme())) {
      throw new ConfigException("REELAY_REDIS_URL", "'" + raw + "' must start with redis://");
    }
    return raw;
  }

  static String checkS3Endpoint(String raw) {
    URI uri = parseUri("REELAY_S3_ENDPOINT", raw);
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new ConfigException("REELAY_S3_ENDPOINT", "'" + raw + "' must be an http(s) URL");
    }
    return raw;
  }

  private static URI parseUri(String setting, String raw) {
    try {
      URI uri = new URI(raw);
      if (uri.getHost() == null) {
        throw new ConfigException(setting, "'" + raw + "' has no host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(setting, "malformed URL '" + raw + "': " + e.getReason());
    }
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /** True when this process only hosts the embedded backing services. */
  public boolean servicesOnly() {
    return roles.equals(Set.of(SERVICES_ROLE));
  }

  /** The configuration with the backing-service addresses the process actually uses. */
  public ReelayConfig withServices(
      String kafka, String redis, String s3, String accessKey, String secretKey, String token) {
    return new ReelayConfig(
        httpHost,
        httpPort,
        rtmpPort,
        dataDir,
        Optional.of(kafka),
        Optional.of(redis),
        Optional.of(s3),
        Optional.of(accessKey),
        Optional.of(secretKey),
        s3Bucket,
        s3Region,
        Optional.of(token),
        roles,
        embeddedKafkaPort,
        embeddedRedisPort,
        embeddedS3Port,
        s3PublicEndpoint,
        upload);
  }

  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("httpHost", httpHost)
            .put("httpPort", httpPort)
            .put("rtmpPort", rtmpPort)
            .put("dataDir", dataDir.toString())
            .put("s3Bucket", s3Bucket)
            .put("s3Region", s3Region)
            .put("roles", new JsonArray(List.copyOf(roles)))
            .put("embeddedKafkaPort", embeddedKafkaPort)
            .put("embeddedRedisPort", embeddedRedisPort)
            .put("embeddedS3Port", embeddedS3Port)
            .put("upload", upload.toJson());
    s3PublicEndpoint.ifPresent(v -> json.put("s3PublicEndpoint", v));
    kafkaBootstrap.ifPresent(v -> json.put("kafkaBootstrap", v));
    redisUrl.ifPresent(v -> json.put("redisUrl", v));
    s3Endpoint.ifPresent(v -> json.put("s3Endpoint", v));
    s3AccessKey.ifPresent(v -> json.put("s3AccessKey", v));
    s3SecretKey.ifPresent(v -> json.put("s3SecretKey", v));
    adminToken.ifPresent(v -> json.put("adminToken", v));
    return json;
  }

  public static ReelayConfig fromJson(JsonObject json) {
    Set<String> roles = new LinkedHashSet<>();
    json.getJsonArray("roles", new JsonArray()).forEach(r -> roles.add(String.valueOf(r)));
    return new ReelayConfig(
        json.getString("httpHost", "0.0.0.0"),
        json.getInteger("httpPort", 8080),
        json.getInteger("rtmpPort", 1935),
        Path.of(json.getString("dataDir", "./data")),
        Optional.ofNullable(json.getString("kafkaBootstrap")),
        Optional.ofNullable(json.getString("redisUrl")),
        Optional.ofNullable(json.getString("s3Endpoint")),
        Optional.ofNullable(json.getString("s3AccessKey")),
        Optional.ofNullable(json.getString("s3SecretKey")),
        json.getString("s3Bucket", "reelay"),
        json.getString("s3Region", "us-east-1"),
        Optional.ofNullable(json.getString("adminToken")),
        Set.copyOf(roles),
        json.getInteger("embeddedKafkaPort", 0),
        json.getInteger("embeddedRedisPort", 0),
        json.getInteger("embeddedS3Port", 0),
        Optional.ofNullable(json.getString("s3PublicEndpoint")),
        UploadSettings.fromJson(json.getJsonObject("upload")));
  }
}
