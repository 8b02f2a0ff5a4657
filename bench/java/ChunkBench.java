import io.reelay.transcode.media.ChunkPlan;
import io.reelay.transcode.media.ChunkTranscoder;
import io.reelay.transcode.media.Ladder;
import io.reelay.transcode.media.LadderConfig;
import io.reelay.transcode.media.LadderPlanner;
import io.reelay.transcode.media.MediaInfo;
import io.reelay.transcode.media.MediaProbe;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The VOD chunk transcoder alone, without the server around it: every 16 s chunk of a source into
 * the reference's 4-rung ladder, printing the process CPU per chunk. Run by bench/vod_chunks.sh
 * as a single-file program against a built jar: {@code java -cp reelay.jar ChunkBench.java SRC DIR}.
 */
public class ChunkBench {
  public static void main(String[] args) throws Exception {
    Path source = Path.of(args[0]);
    Path out = Files.createTempDirectory(Path.of(args[1]), "chunks");
    MediaInfo info = MediaProbe.probe(source);
    LadderConfig config =
        LadderConfig.defaults()
            .withRungs(
                List.of(
                    new LadderConfig.RungSpec("1080p", 1080, 5000),
                    new LadderConfig.RungSpec("720p", 720, 2800),
                    new LadderConfig.RungSpec("480p", 480, 1400),
                    new LadderConfig.RungSpec("360p", 360, 800)));
    Ladder ladder = LadderPlanner.plan(info, config);
    // SEGMENTS_PER_CHUNK (default 4, the server's): 12 makes the 48 s source one chunk, which
    // sizes what each chunk's decoder and encoder start-up costs.
    int perChunk = Integer.parseInt(System.getenv().getOrDefault("SEGMENTS_PER_CHUNK", "4"));
    ChunkPlan plan = ChunkPlan.create(info, ladder, 4.0, perChunk);
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (ChunkPlan.Chunk chunk : plan.chunks()) {
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      ChunkTranscoder.ChunkResult r = ChunkTranscoder.transcode(source, ladder, chunk, out);
      System.out.printf(
          "chunk %d: %d frames, wall %.2f s, process CPU %.2f s%n",
          chunk.index(),
          r.framesEncoded(),
          (System.nanoTime() - t0) / 1e9,
          (os.getProcessCpuTime() - cpu0) / 1e9);
    }
  }
}
