package ai.spikelm.zoo.hub;

import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Writes a response body into a file as it arrives, from a given offset, up to a limit (the size
 * the server announced: a body that goes on past it is cut there and the transfer fails, so that
 * no server can fill the disk), and remembers when data last arrived so that a stalled transfer
 * can be aborted: the JDK client's request timeout stops at the response headers and does not cover
 * the body.
 *
 * <p>The HTTP client calls {@code onNext} on its threads while the waiting thread may call {@link
 * #abort}; both synchronise on this object so that no write happens after an abort returns.
 */
final class FileBodySubscriber implements BodySubscriber<Void> {

    private final Path file;
    private final FileChannel channel;
    private final long start;
    private final LongConsumer position;
    private final long limit;
    private final Supplier<IOException> tooLong;
    private final CompletableFuture<Void> result = new CompletableFuture<>();

    private Flow.Subscription subscription;
    private boolean stopped;
    private long written;
    private volatile long lastDataNanos = System.nanoTime();

    /**
     * @param file the file behind the channel, for messages
     * @param channel the channel to write to; it is not closed here
     * @param start where the body goes in the file; the file is truncated there first
     * @param position told the file position after each write
     * @param limit the file size no write may go past
     * @param tooLong the failure when the body goes past the limit
     */
    FileBodySubscriber(
            Path file,
            FileChannel channel,
            long start,
            LongConsumer position,
            long limit,
            Supplier<IOException> tooLong) {
        this.file = file;
        this.channel = channel;
        this.start = start;
        this.position = position;
        this.limit = limit;
        this.tooLong = tooLong;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription s) {
        if (stopped) {
            s.cancel();
            return;
        }
        subscription = s;
        try {
            // Drops anything past the resume point, such as the whole file when a server
            // ignores a Range request and sends everything again.
            channel.truncate(start);
            channel.position(start);
        } catch (IOException e) {
            fail(new CacheWriteException(file, e));
            return;
        }
        lastDataNanos = System.nanoTime();
        s.request(1);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> buffers) {
        if (stopped) {
            return;
        }
        boolean over = false;
        try {
            for (ByteBuffer b : buffers) {
                long room = limit - start - written;
                if (b.remaining() > room) {
                    // Keep what fits (a resumable prefix) and stop reading: the rest is not the file.
                    b.limit(b.position() + (int) Math.max(0, room));
                    over = true;
                }
                while (b.hasRemaining()) {
                    written += channel.write(b);
                }
                if (over) {
                    break;
                }
            }
        } catch (IOException e) {
            fail(new CacheWriteException(file, e));
            return;
        }
        if (over) {
            fail(tooLong.get());
            return;
        }
        lastDataNanos = System.nanoTime();
        position.accept(start + written);
        subscription.request(1);
    }

    @Override
    public synchronized void onError(Throwable t) {
        stopped = true;
        result.completeExceptionally(t);
    }

    @Override
    public synchronized void onComplete() {
        stopped = true;
        result.complete(null);
    }

    @Override
    public CompletionStage<Void> getBody() {
        return result;
    }

    /** Nanoseconds since data last arrived (or since the headers did). */
    long idleNanos() {
        return System.nanoTime() - lastDataNanos;
    }

    /** Stops the transfer: cancelling the subscription makes the client drop the connection. */
    synchronized void abort(IOException why) {
        fail(why);
    }

    private void fail(IOException why) {
        stopped = true;
        if (subscription != null) {
            subscription.cancel();
        }
        result.completeExceptionally(why);
    }
}
