package io.asyncinvoke.simulator;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Small but valid PNG, WAV and MP3 files, built by hand and cached by shape. */
final class MediaFiles {

    static final int WAV_SAMPLE_RATE = 8000;
    static final int WAV_HEADER_BYTES = 44;
    /** MPEG-1 Layer III, 32 kbit/s, 32 kHz, mono: 144 bytes and 1152 samples (36 ms) per frame. */
    static final int MP3_FRAME_BYTES = 144;
    static final int MP3_FRAME_MILLIS = 36;
    private static final byte[] MP3_HEADER = {(byte) 0xFF, (byte) 0xFB, (byte) 0x18, (byte) 0xC0};
    private static final int CACHE_LIMIT = 64;

    private final ConcurrentHashMap<String, byte[]> cache = new ConcurrentHashMap<>();

    byte[] png(int width, int height) {
        return cached("png" + width + "x" + height, () -> buildPng(width, height));
    }

    byte[] wav(int seconds) {
        return cached("wav" + seconds, () -> buildWav(seconds));
    }

    byte[] mp3(int frames) {
        return cached("mp3" + frames, () -> buildMp3(frames));
    }

    static long wavSize(int seconds) {
        return WAV_HEADER_BYTES + 2L * WAV_SAMPLE_RATE * seconds;
    }

    static long mp3Size(int frames) {
        return (long) MP3_FRAME_BYTES * frames;
    }

    private byte[] cached(String key, java.util.function.Supplier<byte[]> build) {
        byte[] bytes = cache.get(key);
        if (bytes != null) {
            return bytes;
        }
        bytes = build.get();
        if (cache.size() < CACHE_LIMIT) {
            cache.putIfAbsent(key, bytes);
        }
        return bytes;
    }

    /** An RGB PNG of exactly width x height: red grows left to right, green top to bottom. */
    static byte[] buildPng(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());

        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        ByteArrayOutputStream idat = new ByteArrayOutputStream(1024);
        byte[] buffer = new byte[16 * 1024];
        byte[] row = new byte[1 + 3 * width];
        try {
            for (int y = 0; y < height; y++) {
                int green = height == 1 ? 0 : y * 255 / (height - 1);
                row[0] = 1; // filter type Sub: each byte stored as the difference to the pixel on its left
                int previousRed = 0;
                int previousGreen = 0;
                int previousBlue = 0;
                for (int x = 0; x < width; x++) {
                    int red = width == 1 ? 0 : x * 255 / (width - 1);
                    int blue = 96;
                    row[1 + 3 * x] = (byte) (red - previousRed);
                    row[2 + 3 * x] = (byte) (green - previousGreen);
                    row[3 + 3 * x] = (byte) (blue - previousBlue);
                    previousRed = red;
                    previousGreen = green;
                    previousBlue = blue;
                }
                deflater.setInput(row);
                while (!deflater.needsInput()) {
                    int n = deflater.deflate(buffer);
                    idat.write(buffer, 0, n);
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                int n = deflater.deflate(buffer);
                idat.write(buffer, 0, n);
            }
        } finally {
            deflater.end();
        }
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A RIFF/WAVE file: PCM, 16 bit, mono, 8 kHz, a 440 Hz sine for {@code seconds}. */
    static byte[] buildWav(int seconds) {
        int samples = WAV_SAMPLE_RATE * seconds;
        int dataBytes = samples * 2;
        ByteBuffer b = ByteBuffer.allocate(WAV_HEADER_BYTES + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII))
                .put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1) // PCM
                .putShort((short) 1) // mono
                .putInt(WAV_SAMPLE_RATE)
                .putInt(WAV_SAMPLE_RATE * 2) // byte rate
                .putShort((short) 2) // block align
                .putShort((short) 16) // bits per sample
                .put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) (Math.sin(2 * Math.PI * 440 * i / WAV_SAMPLE_RATE) * 8000));
        }
        return b.array();
    }

    /**
     * A sequence of silent MPEG-1 Layer III frames (32 kbit/s, 32 kHz, mono, no CRC): each a
     * 4-byte header, 17 bytes of zero side information and zero main data.
     */
    static byte[] buildMp3(int frames) {
        byte[] bytes = new byte[MP3_FRAME_BYTES * frames];
        for (int f = 0; f < frames; f++) {
            System.arraycopy(MP3_HEADER, 0, bytes, f * MP3_FRAME_BYTES, MP3_HEADER.length);
        }
        return bytes;
    }
}
