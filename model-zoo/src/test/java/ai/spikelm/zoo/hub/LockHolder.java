package ai.spikelm.zoo.hub;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Plays another process downloading a blob: takes the lock file, says "locked", waits, puts the
 * blob in place, releases the lock.
 *
 * <p>Arguments: lock file, source of the content, blob path, milliseconds to hold the lock.
 */
final class LockHolder {

    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        Path lockFile = Paths.get(args[0]);
        try (FileChannel channel =
                        FileChannel.open(
                                lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(Long.parseLong(args[3]));
            Path incomplete = Paths.get(args[2] + ".incomplete");
            Files.copy(Paths.get(args[1]), incomplete, StandardCopyOption.REPLACE_EXISTING);
            Files.move(incomplete, Paths.get(args[2]), StandardCopyOption.ATOMIC_MOVE);
            lock.release();
        }
    }
}
