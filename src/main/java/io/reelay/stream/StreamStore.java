package io.reelay.stream;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Live streams in Redis (append-only persistence: Redis is their source of truth). One hash per
 * stream, an index from key hash to stream id, a set of all streams and one per owner; the
 * publisher lock and the ingest's recent statistics live beside the record with a TTL.
 *
 * <p>Every method is asynchronous and safe to call from any event loop.
 */
public final class StreamStore {
  private static final String[] FIELDS = {
    "id", "owner", "title", "createdAt", "keyHash", "state", "session", "startedAt", "endedAt"
  };

  /** Returns {previous state, new session} and marks the stream live; nil if it is gone. */
  private static final String MARK_LIVE =
      "local prev = redis.call('HGET', KEYS[1], 'state')\n"
          + "if not prev then return nil end\n"
          + "local s = redis.call('HINCRBY', KEYS[1], 'session', 1)\n"
          + "redis.call('HSET', KEYS[1], 'state', 'LIVE')\n"
          + "if prev ~= 'LIVE' then redis.call('HSET', KEYS[1], 'startedAt', ARGV[1]) end\n"
          + "redis.call('HDEL', KEYS[1], 'graceFor')\n"
          + "redis.call('SADD', KEYS[2], ARGV[2])\n"
          + "return {prev, s}";

  /**
   * Ends the stream only if no publisher came back since {@code session} and the lock is free or
   * held by the caller ({@code ARGV[3]}, the token of a sweeper that claimed an orphan).
   */
  private static final String MARK_ENDED =
      "if redis.call('HGET', KEYS[1], 'session') ~= ARGV[1] then return 0 end\n"
          + "if redis.call('HGET', KEYS[1], 'state') ~= 'LIVE' then return 0 end\n"
          + "local holder = redis.call('GET', KEYS[2])\n"
          + "if holder and holder ~= ARGV[3] then return 0 end\n"
          + "if holder then redis.call('DEL', KEYS[2]) end\n"
          + "redis.call('HSET', KEYS[1], 'state', 'ENDED', 'endedAt', ARGV[2])\n"
          + "redis.call('HDEL', KEYS[1], 'graceFor')\n"
          + "redis.call('SREM', KEYS[3], ARGV[4])\n"
          + "return 1";

  /**
   * One sweep over a live stream whose owner may be dead (killed without a clean stop, so no grace
   * timer runs anywhere). While the publisher lock is held, nothing. The first sweep that finds it
   * gone starts a grace period (a key with a TTL, so no clocks are compared); a sweep after it
   * lapsed claims the lock for the caller and returns the session to end, else 0.
   */
  private static final String SWEEP_ORPHAN =
      "if redis.call('HGET', KEYS[1], 'state') ~= 'LIVE' then\n"
          + "  redis.call('SREM', KEYS[4], ARGV[4]) return 0 end\n"
          + "if redis.call('EXISTS', KEYS[2]) == 1 then\n"
          + "  redis.call('HDEL', KEYS[1], 'graceFor') return 0 end\n"
          + "local s = redis.call('HGET', KEYS[1], 'session')\n"
          + "if redis.call('HGET', KEYS[1], 'graceFor') ~= s then\n"
          + "  redis.call('HSET', KEYS[1], 'graceFor', s)\n"
          + "  redis.call('SET', KEYS[3], s, 'PX', ARGV[1]) return 0 end\n"
          + "if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end\n"
          + "redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])\n"
          + "return tonumber(s)";

  private static final String RENEW =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then"
          + " return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

  private static final String RELEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then"
          + " return redis.call('DEL', KEYS[1]) else return 0 end";

  /** A new stream and its key, which is shown once and never stored. */
  public record Created(StreamRecord record, String key) {}

  /** What {@link #markLive} found: the state before, and the new publish session number. */
  public record LiveMark(StreamRecord.State previous, long session) {}

  private final Redis redis;

  public StreamStore(Redis redis) {
    this.redis = redis;
  }

  static String recordKey(String id) {
    return "reelay:stream:" + id;
  }

  static String lockKey(String id) {
    return "reelay:stream:" + id + ":publisher";
  }

  static String graceKey(String id) {
    return "reelay:stream:" + id + ":grace";
  }

  static String statsKey(String id) {
    return "reelay:stream:" + id + ":ingest";
  }

  static String keyIndex(String keyHash) {
    return "reelay:stream-key:" + keyHash;
  }

  static String ownerSet(String owner) {
    return "reelay:streams:owner:" + owner;
  }

  static final String ALL = "reelay:streams";

  /** Streams marked live, for the orphan sweep. */
  static final String LIVE = "reelay:streams:live";

  private Future<Response> send(Request r) {
    return redis.send(r);
  }

  private Future<Void> transaction(List<Request> commands) {
    List<Request> batch = new ArrayList<>(commands.size() + 2);
    batch.add(Request.cmd(Command.MULTI));
    batch.addAll(commands);
    batch.add(Request.cmd(Command.EXEC));
    return redis.batch(batch).mapEmpty();
  }

  public Future<Created> create(String ownerId, String title) {
    String id = StreamKeys.newId();
    String key = StreamKeys.newKey();
    String hash = StreamKeys.hash(key);
    long now = System.currentTimeMillis();
    StreamRecord record =
        new StreamRecord(id, ownerId, title, now, hash, StreamRecord.State.IDLE, 0, 0, 0);
    Request hset =
        Request.cmd(Command.HSET)
            .arg(recordKey(id))
            .arg("id")
            .arg(id)
            .arg("owner")
            .arg(ownerId)
            .arg("title")
            .arg(title)
            .arg("createdAt")
            .arg(now)
            .arg("keyHash")
            .arg(hash)
            .arg("state")
            .arg("IDLE")
            .arg("session")
            .arg(0);
    return transaction(
            List.of(
                hset,
                Request.cmd(Command.SET).arg(keyIndex(hash)).arg(id),
                Request.cmd(Command.SADD).arg(ALL).arg(id),
                Request.cmd(Command.SADD).arg(ownerSet(ownerId)).arg(id)))
        .map(v -> new Created(record, key));
  }

  /** The stream, or null. */
  public Future<StreamRecord> get(String id) {
    Request r = Request.cmd(Command.HMGET).arg(recordKey(id));
    for (String f : FIELDS) {
      r.arg(f);
    }
    return send(r)
        .map(
            resp -> {
              if (resp == null || resp.size() == 0 || resp.get(0) == null) {
                return null;
              }
              Map<String, String> h = new HashMap<>();
              for (int i = 0; i < FIELDS.length; i++) {
                Response v = resp.get(i);
                if (v != null) {
                  h.put(FIELDS[i], v.toString());
                }
              }
              return StreamRecord.fromHash(h);
            });
  }

  /** Streams of {@code ownerId}, or every stream when it is null; oldest first. */
  public Future<List<StreamRecord>> list(String ownerId) {
    return send(Request.cmd(Command.SMEMBERS).arg(ownerId == null ? ALL : ownerSet(ownerId)))
        .compose(
            ids -> {
              List<Future<StreamRecord>> gets = new ArrayList<>();
              if (ids != null) {
                ids.forEach(id -> gets.add(get(id.toString())));
              }
              return Future.all(gets)
                  .map(
                      all -> {
                        List<StreamRecord> out = new ArrayList<>();
                        for (int i = 0; i < all.size(); i++) {
                          StreamRecord r = all.resultAt(i);
                          if (r != null) {
                            out.add(r);
                          }
                        }
                        out.sort(
                            java.util.Comparator.comparingLong(StreamRecord::createdAtMs)
                                .thenComparing(StreamRecord::id));
                        return out;
                      });
            });
  }

  /** Replaces the key; the old one stops working at once (a running publish continues). */
  public Future<String> rotate(StreamRecord record) {
    String key = StreamKeys.newKey();
    String hash = StreamKeys.hash(key);
    return transaction(
            List.of(
                Request.cmd(Command.DEL).arg(keyIndex(record.keyHash())),
                Request.cmd(Command.SET).arg(keyIndex(hash)).arg(record.id()),
                Request.cmd(Command.HSET).arg(recordKey(record.id())).arg("keyHash").arg(hash)))
        .map(v -> key);
  }

  public Future<Void> delete(StreamRecord record) {
    return transaction(
        List.of(
            Request.cmd(Command.DEL).arg(recordKey(record.id())),
            Request.cmd(Command.DEL).arg(keyIndex(record.keyHash())),
            Request.cmd(Command.DEL).arg(statsKey(record.id())),
            Request.cmd(Command.DEL).arg(graceKey(record.id())),
            Request.cmd(Command.DEL).arg(restreamsKey(record.id())),
            Request.cmd(Command.SREM).arg(ALL).arg(record.id()),
            Request.cmd(Command.SREM).arg(LIVE).arg(record.id()),
            Request.cmd(Command.SREM).arg(ownerSet(record.ownerId())).arg(record.id())));
  }

  /** The id of the stream this key publishes to, or null for an unknown key. */
  public Future<String> idForKey(String key) {
    if (key == null || key.isEmpty() || key.length() > StreamKeys.MAX_KEY_LENGTH) {
      return Future.succeededFuture(null);
    }
    return send(Request.cmd(Command.GET).arg(keyIndex(StreamKeys.hash(key))))
        .map(r -> r == null ? null : r.toString());
  }

  /** Takes the publisher lock; true if this caller now holds it. */
  public Future<Boolean> acquire(String id, String token, long ttlMs) {
    return send(Request.cmd(Command.SET).arg(lockKey(id)).arg(token).arg("NX").arg("PX").arg(ttlMs))
        .map(r -> r != null && "OK".equals(r.toString()));
  }

  /** Extends the lock if still held by {@code token}; false if it was lost. */
  public Future<Boolean> renew(String id, String token, long ttlMs) {
    return send(Request.cmd(Command.EVAL).arg(RENEW).arg(1).arg(lockKey(id)).arg(token).arg(ttlMs))
        .map(r -> r != null && r.toLong() == 1);
  }

  public Future<Void> release(String id, String token) {
    return send(Request.cmd(Command.EVAL).arg(RELEASE).arg(1).arg(lockKey(id)).arg(token))
        .mapEmpty();
  }

  /** Marks the stream live; null if the stream no longer exists. */
  public Future<LiveMark> markLive(String id) {
    return send(Request.cmd(Command.EVAL)
            .arg(MARK_LIVE)
            .arg(2)
            .arg(recordKey(id))
            .arg(LIVE)
            .arg(System.currentTimeMillis())
            .arg(id))
        .map(
            r ->
                r == null || r.size() < 2
                    ? null
                    : new LiveMark(
                        StreamRecord.State.valueOf(r.get(0).toString()), r.get(1).toLong()));
  }

  /** Ends the stream unless a later publish session started; true if it ended now. */
  public Future<Boolean> markEnded(String id, long session) {
    return markEnded(id, session, "");
  }

  /** Ends a stream whose lock {@code token} holds (claimed by {@link #sweepOrphan}). */
  public Future<Boolean> markEnded(String id, long session, String token) {
    return send(Request.cmd(Command.EVAL)
            .arg(MARK_ENDED)
            .arg(3)
            .arg(recordKey(id))
            .arg(lockKey(id))
            .arg(LIVE)
            .arg(session)
            .arg(System.currentTimeMillis())
            .arg(token)
            .arg(id))
        .map(r -> r != null && r.toLong() == 1);
  }

  /** Ids of the streams marked live. */
  public Future<List<String>> liveIds() {
    return send(Request.cmd(Command.SMEMBERS).arg(LIVE))
        .map(
            r -> {
              List<String> ids = new ArrayList<>();
              if (r != null) {
                r.forEach(id -> ids.add(id.toString()));
              }
              return ids;
            });
  }

  /**
   * Advances the orphan check of a live stream (see {@link #SWEEP_ORPHAN}): the session whose owner
   * is gone and whose grace period lapsed, with the lock now held by {@code token} for {@code
   * lockTtlMs}; 0 when there is nothing to end (yet).
   */
  public Future<Long> sweepOrphan(String id, String token, long graceMs, long lockTtlMs) {
    return send(Request.cmd(Command.EVAL)
            .arg(SWEEP_ORPHAN)
            .arg(4)
            .arg(recordKey(id))
            .arg(lockKey(id))
            .arg(graceKey(id))
            .arg(LIVE)
            .arg(graceMs)
            .arg(token)
            .arg(lockTtlMs)
            .arg(id))
        .map(r -> r == null ? 0L : r.toLong());
  }

  /**
   * Remembers the first media sequence number of the broadcast that starts now (a publish from
   * {@code idle} or {@code ended}), so the archive range of a recording is known when it ends.
   */
  public Future<Void> markBroadcastStart(String id, long firstMsn) {
    return send(Request.cmd(Command.HSET).arg(recordKey(id)).arg("broadcastFirstMsn").arg(firstMsn))
        .mapEmpty();
  }

  /** The first media sequence number of the current (or last) broadcast; 0 if never recorded. */
  public Future<Long> broadcastStart(String id) {
    return send(Request.cmd(Command.HGET).arg(recordKey(id)).arg("broadcastFirstMsn"))
        .map(r -> r == null ? 0L : r.toLong());
  }

  /** Links the stream to the VOD recording of its last broadcast. */
  public Future<Void> setVodId(String id, String vodId) {
    // HSET only on an existing record: a deleted stream stays deleted.
    return send(Request.cmd(Command.EVAL)
            .arg(
                "if redis.call('EXISTS', KEYS[1]) == 1 then"
                    + " redis.call('HSET', KEYS[1], 'vodId', ARGV[1]) end return 1")
            .arg(1)
            .arg(recordKey(id))
            .arg(vodId))
        .mapEmpty();
  }

  /** The VOD recording of the stream's last finished broadcast, or null. */
  public Future<String> vodId(String id) {
    return send(Request.cmd(Command.HGET).arg(recordKey(id)).arg("vodId"))
        .map(r -> r == null ? null : r.toString());
  }

  static String restreamsKey(String id) {
    return "reelay:stream:" + id + ":restreams";
  }

  /** The downstream RTMP URLs the stream is pushed to (validated when set); empty if none. */
  public Future<List<String>> restreamTargets(String id) {
    return send(Request.cmd(Command.GET).arg(restreamsKey(id)))
        .map(
            r -> {
              List<String> out = new ArrayList<>();
              if (r != null) {
                new io.vertx.core.json.JsonArray(r.toString()).forEach(u -> out.add((String) u));
              }
              return out;
            });
  }

  /** Replaces the targets; they apply from the next publish. An empty list removes them. */
  public Future<Void> setRestreamTargets(String id, List<String> urls) {
    return send(urls.isEmpty()
            ? Request.cmd(Command.DEL).arg(restreamsKey(id))
            : Request.cmd(Command.SET)
                .arg(restreamsKey(id))
                .arg(new io.vertx.core.json.JsonArray(urls).encode()))
        .mapEmpty();
  }

  public Future<Void> putIngestStats(String id, JsonObject stats, long ttlMs) {
    return send(Request.cmd(Command.SET).arg(statsKey(id)).arg(stats.encode()).arg("PX").arg(ttlMs))
        .mapEmpty();
  }

  /** The ingest's latest statistics while a publisher is connected, or null. */
  public Future<JsonObject> ingestStats(String id) {
    return send(Request.cmd(Command.GET).arg(statsKey(id)))
        .map(r -> r == null ? null : new JsonObject(r.toString()));
  }

  /**
   * Live rungs dropped because the transcode workers fell behind (see transcode.LiveRungWorker).
   */
  public Future<io.vertx.core.json.JsonArray> droppedRungs(String id) {
    return send(Request.cmd(Command.SMEMBERS).arg(io.reelay.live.LiveRungs.droppedKey(id)))
        .map(
            r -> {
              io.vertx.core.json.JsonArray a = new io.vertx.core.json.JsonArray();
              if (r != null) {
                r.forEach(m -> a.add(m.toString()));
              }
              return a;
            });
  }

  public Future<Void> clearIngestStats(String id) {
    return send(Request.cmd(Command.DEL).arg(statsKey(id))).mapEmpty();
  }
}
