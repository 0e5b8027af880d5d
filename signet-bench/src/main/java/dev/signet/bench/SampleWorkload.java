package dev.signet.bench;

import dev.signet.json.JsonBool;
import dev.signet.json.JsonObject;
import dev.signet.pipeline.CommandStep;
import dev.signet.pipeline.Pipeline;
import dev.signet.pipeline.Plugin;
import dev.signet.pipeline.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/** A realistic 1,000-step pipeline: each step has a command, env, two plugins and a label. */
final class SampleWorkload {
  static final String REPO = "git@github.com:acme/widgets.git";

  private SampleWorkload() {}

  static Pipeline pipeline(int steps) {
    List<Step> list = new ArrayList<>(steps);
    for (int i = 0; i < steps; i++) {
      LinkedHashMap<String, String> env = new LinkedHashMap<>();
      env.put("SHARD", Integer.toString(i));
      env.put("GOFLAGS", "-mod=vendor");
      List<Plugin> plugins =
          List.of(
              new Plugin(
                  "docker#v5.11.0",
                  JsonObject.builder()
                      .put("image", "golang:1.22")
                      .put("propagate-uid-gid", JsonBool.TRUE)
                      .build()),
              new Plugin("my-org/cache#v1.2.3", null));
      list.add(
          CommandStep.of("make test SHARD=" + i + " && echo done")
              .withEnv(env)
              .withPlugins(plugins)
              .withLabel("test shard " + i));
    }
    LinkedHashMap<String, String> pipelineEnv = new LinkedHashMap<>();
    pipelineEnv.put("DEPLOY_ENV", "staging");
    pipelineEnv.put("RETRIES", "3");
    return new Pipeline(list, pipelineEnv, List.of(), null, JsonObject.EMPTY, false);
  }
}
