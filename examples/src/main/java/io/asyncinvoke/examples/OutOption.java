package io.asyncinvoke.examples;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --out DIR}: where a job's files are saved (a picocli mixin of {@code run} and {@code watch}). */
final class OutOption {

    @Option(names = "--out", paramLabel = "DIR", description = "Save the job's files in this directory.")
    Path dir;

    /**
     * Checks before anything is sent that {@code --out}, when given, is a directory this process can
     * write in, or one it can create, so that a job's files are not lost after it ran (and cost
     * credits). Creates nothing: a job that fails leaves no empty directory.
     *
     * @throws IllegalArgumentException naming {@code --out} and what is wrong
     */
    void check() {
        if (dir != null) {
            requireWritableDirectory(dir);
        }
    }

    static void requireWritableDirectory(Path out) {
        Path dir = out.toAbsolutePath().normalize();
        if (Files.isDirectory(dir)) {
            String problem = cannotWriteIn(dir);
            if (problem != null) {
                throw new IllegalArgumentException("--out " + out + ": not writable (" + problem + ")");
            }
            return;
        }
        if (Files.exists(dir)) {
            throw new IllegalArgumentException("--out " + out + ": exists and is not a directory");
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("--out " + out + ": a symbolic link to nothing");
        }
        Path existing = dir.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            throw new IllegalArgumentException("--out " + out + ": cannot be created");
        }
        if (!Files.isDirectory(existing)) {
            throw new IllegalArgumentException("--out " + out + ": cannot be created, " + existing + " is not a directory");
        }
        String problem = cannotWriteIn(existing);
        if (problem != null) {
            throw new IllegalArgumentException("--out " + out + ": cannot be created in " + existing + " ("
                    + problem + ")");
        }
    }

    /**
     * Why no file can be created in {@code dir}, or null when one can. Tried for real (and removed
     * at once): permission bits do not tell for root, read-only mounts or special file systems.
     */
    private static String cannotWriteIn(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, ".async-invoke-", ".probe"));
            return null;
        } catch (AccessDeniedException e) {
            return "permission denied";
        } catch (FileSystemException e) {
            return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        } catch (IOException | SecurityException e) {
            return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        }
    }
}
