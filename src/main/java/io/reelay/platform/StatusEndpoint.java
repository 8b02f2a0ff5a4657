package io.reelay.platform;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/** Answers a verticle's status address with its name, deployment and current details. */
public final class StatusEndpoint {
  private StatusEndpoint() {}

  public static Future<MessageConsumer<Object>> register(
      Vertx vertx, String address, String verticle, Supplier<JsonObject> details) {
    MessageConsumer<Object> consumer =
        vertx
            .eventBus()
            .consumer(
                address,
                msg ->
                    msg.reply(
                        new JsonObject()
                            .put("verticle", verticle)
                            .put("state", "running")
                            .mergeIn(details.get())));
    return consumer.completion().map(consumer);
  }
}
