package ai.spikelm.examples.cli;

import ai.spikelm.zoo.hub.ModelId;
import ai.spikelm.zoo.hub.ProgressListener;
import java.util.HashMap;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Console progress bars for Hub downloads, one per file, on standard error. */
final class DownloadProgress implements ProgressListener {

    private final Map<String, ProgressBar> bars = new HashMap<>();

    /** {@inheritDoc} */
    @Override
    public synchronized void onProgress(ModelId model, String file, long bytesDone, long totalBytes) {
        String key = model + "/" + file;
        ProgressBar bar =
                bars.computeIfAbsent(
                        key,
                        k -> new ProgressBarBuilder()
                                .setTaskName(file)
                                .setInitialMax(Math.max(totalBytes, 0))
                                .setUnit(" MB", 1 << 20)
                                .setStyle(ProgressBarStyle.ASCII)
                                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                                .build());
        bar.stepTo(bytesDone);
        if (totalBytes >= 0 && bytesDone >= totalBytes) {
            bar.close();
            bars.remove(key);
        }
    }
}
