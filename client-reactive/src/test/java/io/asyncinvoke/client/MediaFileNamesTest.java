package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaFileNamesTest {

    private static MediaFile file(String url, String contentType, String fileName) {
        return new MediaFile(url, contentType, fileName, null, "audio", "req-1", 3);
    }

    @ParameterizedTest
    @CsvSource({
            "image/png, .png", "image/jpeg, .jpg", "image/webp, .webp",
            "audio/wav, .wav", "audio/x-wav, .wav", "audio/wave, .wav", "audio/mpeg, .mp3",
            "audio/ogg, .ogg", "audio/flac, .flac", "video/mp4, .mp4",
            "IMAGE/PNG; charset=binary, .png"})
    void extensionFromContentType(String contentType, String extension) {
        assertThat(MediaFileNames.extensionFor(contentType)).isEqualTo(extension);
        assertThat(MediaFileNames.choose(file("https://m.example/f/x", contentType, null), null))
                .isEqualTo("x" + extension);
    }

    @Test
    void theOutputsFileNameComesFirst() {
        assertThat(MediaFileNames.choose(file("https://m.example/f/other.wav", "audio/wav", "speech.wav"), null))
                .isEqualTo("speech.wav");
        assertThat(MediaFileNames.choose(file("https://m.example/f/other.wav", "audio/wav", "speech"), null))
                .isEqualTo("speech.wav");
    }

    @Test
    void thenTheUrlsLastSegmentDecoded() {
        assertThat(MediaFileNames.choose(file("https://m.example/files/lion/6590784a-output.png?sig=1", "image/png",
                null), null)).isEqualTo("6590784a-output.png");
        assertThat(MediaFileNames.choose(file("https://m.example/a/my%20photo+1.png", "image/png", null), null))
                .isEqualTo("my photo+1.png");
    }

    @Test
    void thenTheRequestIdAndIndex() {
        assertThat(MediaFileNames.choose(file("https://m.example/", "audio/mpeg", null), null))
                .isEqualTo("req-1-3.mp3");
        assertThat(MediaFileNames.choose(new MediaFile("https://m.example", null, null, null, "", null, 0), null))
                .isEqualTo("download-0.bin");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "../../escape.wav|escape.wav",
            "/etc/passwd|passwd.wav",
            "C:\\Windows\\system32\\evil.wav|evil.wav",
            ".bashrc|bashrc.wav",
            "...wav|6590784a-output.wav",
            "..|6590784a-output.wav",
            "foo/..|6590784a-output.wav",
            "a..b.wav|6590784a-output.wav",
            "what?<is>:this*.wav|what__is__this_.wav",
            "'  spaced.wav  '|spaced.wav",
            "file.|file.wav"})
    void hostileFileNamesBecomeOneHarmlessSegment(String fileName, String saved) {
        assertThat(MediaFileNames.choose(file("https://m.example/x/6590784a-output.wav", "audio/wav", fileName), null))
                .isEqualTo(saved);
    }

    @Test
    void controlAndInvisibleCharactersAreRefused() {
        for (String hostile : new String[] {"a\u0000b.wav", "line\nbreak.wav", "bell\u0007.wav", "del\u007f.wav",
                "evil\u202egnp.wav", "c1\u0085.wav", "lone\ud800.wav"}) {
            assertThat(MediaFileNames.safe(hostile)).as(hostile).isNull();
        }
        assertThat(MediaFileNames.safe("ünïcødé 🎵.wav")).isEqualTo("ünïcødé 🎵.wav");
        assertThat(MediaFileNames.choose(file("https://m.example/x/%2e%2e", "audio/wav", "\u0000"), null))
                .isEqualTo("req-1-3.wav");
    }

    @Test
    void theContentTypeDecidesTheExtension() {
        // the output's type first, then the response's
        assertThat(MediaFileNames.choose(file("https://m.example/x/a", null, null), "image/webp")).isEqualTo("a.webp");
        assertThat(MediaFileNames.choose(file("https://m.example/x/a", "image/png", null), "image/webp"))
                .isEqualTo("a.png");
        // a media extension that contradicts the type is replaced; aliases are kept; others get one added
        assertThat(MediaFileNames.choose(file("https://m.example/x/a.bin", "image/png", null), null))
                .isEqualTo("a.png");
        assertThat(MediaFileNames.choose(file("https://m.example/x/a.jpeg", "image/jpeg", null), null))
                .isEqualTo("a.jpeg");
        assertThat(MediaFileNames.choose(file("https://m.example/x/report.v2", "image/png", null), null))
                .isEqualTo("report.v2.png");
        // no known type: the name's own extension, else the URL's, else .bin
        assertThat(MediaFileNames.choose(file("https://m.example/x/a.tiff", "image/tiff", null), null))
                .isEqualTo("a.tiff");
        assertThat(MediaFileNames.choose(file("https://m.example/x/clip.mov", null, "clip"), "video/quicktime"))
                .isEqualTo("clip.mov");
        assertThat(MediaFileNames.choose(file("https://m.example/x/blob", null, null), "application/octet-stream"))
                .isEqualTo("blob.bin");
    }

    @Test
    void longNamesAreShortenedKeepingTheExtension() {
        String saved = MediaFileNames.choose(file("https://m.example/x/y", "audio/wav", "n".repeat(500) + ".wav"), null);
        assertThat(saved.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(MediaFileNames.MAX_BYTES);
        assertThat(saved).endsWith("n.wav");
    }

    @Test
    void numberedVariants() {
        assertThat(MediaFileNames.numbered("output.wav", 1)).isEqualTo("output-1.wav");
        assertThat(MediaFileNames.numbered("output", 2)).isEqualTo("output-2");
        assertThat(MediaFileNames.numbered("a.b.png", 12)).isEqualTo("a.b-12.png");
    }
}
