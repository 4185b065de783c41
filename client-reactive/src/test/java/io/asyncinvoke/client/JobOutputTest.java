package io.asyncinvoke.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.asyncinvoke.model.Job;
import io.asyncinvoke.model.JobState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobOutputTest {

    private static Job job(String outputJson) throws Exception {
        Map<String, Object> output = outputJson == null ? null
                : AsyncInvokeJson.MAPPER.readValue(outputJson, new TypeReference<Map<String, Object>>() { });
        return new Job().requestId("req-1").status(JobState.COMPLETED).modelId("m").output(output);
    }

    @Test
    void imagesOfAnImageModel() throws Exception {
        JobOutput output = JobOutput.of(job("{\"images\":[{\"url\":\"https://media.example/a.png\",\"width\":1024,"
                + "\"height\":768,\"content_type\":\"image/png\"},{\"url\":\"https://media.example/b.jpg\","
                + "\"width\":512,\"height\":512,\"content_type\":\"image/jpeg\"}],\"seed\":42,"
                + "\"has_nsfw_concepts\":[false,false],\"prompt\":\"a lighthouse\"}"));

        assertThat(output.requestId()).contains("req-1");
        assertThat(output.images()).hasSize(2);
        JobOutput.Image first = output.images().get(0);
        assertThat(first.url()).isEqualTo("https://media.example/a.png");
        assertThat(first.width()).hasValue(1024);
        assertThat(first.height()).hasValue(768);
        assertThat(first.contentType()).contains("image/png");
        assertThat(output.images().get(1).contentType()).contains("image/jpeg");
        assertThat(output.audio()).isEmpty();
        assertThat(output.files()).extracting(MediaFile::path).containsExactly("images[0]", "images[1]");
        assertThat(output.files()).extracting(MediaFile::index).containsExactly(0, 1);
        assertThat(first.file()).isSameAs(output.files().get(0));
        assertThat(first.file().requestId()).contains("req-1");
    }

    @Test
    void audioOfAnAudioModel() throws Exception {
        JobOutput output = JobOutput.of(job("{\"audio\":{\"url\":\"https://media.example/x/output.wav\","
                + "\"content_type\":\"audio/wav\",\"file_name\":\"output.wav\",\"file_size\":5292044},\"seed\":77}"));

        assertThat(output.audio()).hasSize(1);
        JobOutput.Audio audio = output.audio().get(0);
        assertThat(audio.url()).isEqualTo("https://media.example/x/output.wav");
        assertThat(audio.contentType()).contains("audio/wav");
        assertThat(audio.fileName()).contains("output.wav");
        assertThat(audio.fileSize()).hasValue(5292044L);
        assertThat(output.images()).isEmpty();
        assertThat(output.files()).containsExactly(audio.file());
        assertThat(audio.file().path()).isEqualTo("audio");
    }

    @Test
    void audioOfASpeechModel() throws Exception {
        JobOutput output = JobOutput.of(job("{\"audio\":{\"url\":\"https://media.example/x/output.mp3\","
                + "\"content_type\":\"audio/mpeg\",\"file_name\":\"output.mp3\",\"file_size\":48213},"
                + "\"timestamps\":null}"));

        assertThat(output.audio()).singleElement().satisfies(audio -> {
            assertThat(audio.contentType()).contains("audio/mpeg");
            assertThat(audio.fileName()).contains("output.mp3");
            assertThat(audio.fileSize()).hasValue(48213L);
        });
    }

    @Test
    void filesAreFoundAtAnyDepthInDocumentOrder() throws Exception {
        JobOutput output = JobOutput.of(job("{\"video\":{\"url\":\"https://media.example/v.mp4\","
                + "\"content_type\":\"video/mp4\",\"file_size\":1000,"
                + "\"thumbnail\":{\"url\":\"https://media.example/t.webp\",\"content_type\":\"image/webp\"}},"
                + "\"extras\":[{\"meta\":{\"url\":\"https://media.example/m.json\"}}],"
                + "\"audio_file\":{\"url\":\"https://media.example/s.flac\"}}"));

        assertThat(output.files()).extracting(MediaFile::url).containsExactly("https://media.example/v.mp4",
                "https://media.example/t.webp", "https://media.example/m.json", "https://media.example/s.flac");
        assertThat(output.files()).extracting(MediaFile::path)
                .containsExactly("video", "video.thumbnail", "extras[0].meta", "audio_file");
        assertThat(output.files().get(0).contentType()).contains("video/mp4");
        assertThat(output.files().get(0).fileSize()).hasValue(1000L);
        assertThat(output.files().get(2).contentType()).isEmpty();
        // an image by its content type, an audio file by its field name
        assertThat(output.images()).extracting(JobOutput.Image::url).containsExactly("https://media.example/t.webp");
        assertThat(output.audio()).extracting(JobOutput.Audio::url).containsExactly("https://media.example/s.flac");
    }

    @Test
    void aJobWithoutOutputHasAnEmptyView() throws Exception {
        JobOutput output = JobOutput.of(job(null).status(JobState.FAILED).error("boom"));
        assertThat(output.files()).isEmpty();
        assertThat(output.images()).isEmpty();
        assertThat(output.audio()).isEmpty();
        assertThat(JobOutput.of(job("{}")).files()).isEmpty();
    }

    @Test
    void oddFieldsAreAbsentNotErrors() throws Exception {
        JobOutput output = JobOutput.of(job("{\"images\":["
                + "{\"url\":\"https://media.example/1.png\",\"width\":\"768\",\"height\":512.0,\"content_type\":7},"
                + "{\"url\":\"https://media.example/2.png\",\"width\":-5,\"height\":1.5,\"file_size\":\"big\"},"
                + "{\"url\":\"https://media.example/3.png\",\"width\":1e30,\"height\":null,\"file_size\":-1},"
                + "{\"url\":42},{\"url\":\"  \"},{\"href\":\"https://media.example/4.png\"},\"just a string\",17,null,"
                + "[{\"url\":\"https://media.example/5.png\",\"file_name\":\"\",\"file_size\":\"12\"}]],"
                + "\"audio\":\"https://media.example/not-an-object.wav\",\"image\":{\"url\":[\"x\"]}}"));

        assertThat(output.files()).extracting(MediaFile::url).containsExactly("https://media.example/1.png",
                "https://media.example/2.png", "https://media.example/3.png", "https://media.example/5.png");
        List<JobOutput.Image> images = output.images();
        assertThat(images).hasSize(4);
        assertThat(images.get(0).width()).hasValue(768);
        assertThat(images.get(0).height()).hasValue(512);
        assertThat(images.get(0).contentType()).isEmpty();
        assertThat(images.get(1).width()).isEmpty();
        assertThat(images.get(1).height()).isEmpty();
        assertThat(images.get(1).file().fileSize()).isEmpty();
        assertThat(images.get(2).width()).isEmpty();
        assertThat(images.get(2).height()).isEmpty();
        assertThat(images.get(2).file().fileSize()).isEmpty();
        assertThat(images.get(3).file().path()).isEqualTo("images[9][0]");
        assertThat(images.get(3).file().fileName()).isEmpty();
        assertThat(images.get(3).file().fileSize()).hasValue(12L);
        assertThat(output.audio()).isEmpty();
    }

    @Test
    void aSelfReferencingOrHugeOutputDoesNotBreakTheWalk() {
        Map<String, Object> cyclic = new HashMap<>();
        cyclic.put("url", "https://media.example/loop.png");
        cyclic.put("self", cyclic);
        Map<Object, Object> oddKeys = new LinkedHashMap<>();
        oddKeys.put(1, Map.of("url", "https://media.example/under-a-number-key.png"));
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < JobOutput.MAX_FILES + 10; i++) {
            many.add(Map.of("url", "https://media.example/" + i + ".png"));
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("loop", cyclic);
        output.put("odd", oddKeys);
        output.put("many", many);

        JobOutput view = JobOutput.of(new Job().requestId("r").status(JobState.COMPLETED).output(output));

        assertThat(view.files()).hasSize(JobOutput.MAX_FILES);
        assertThat(view.files().get(0).url()).isEqualTo("https://media.example/loop.png");
        assertThat(view.files()).extracting(MediaFile::url)
                .doesNotContain("https://media.example/under-a-number-key.png");
    }

    @Test
    void theViewIsReadOnly() throws Exception {
        JobOutput output = JobOutput.of(job("{\"images\":[{\"url\":\"https://media.example/a.png\"}]}"));
        assertThatThrownBy(() -> output.files().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> output.images().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> output.audio().add(null)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringNeverShowsAPresignedQuery() throws Exception {
        JobOutput output = JobOutput.of(job("{\"images\":[{\"url\":"
                + "\"https://media.example/a.png?X-Amz-Signature=secret123&X-Amz-Credential=abc\"}]}"));
        assertThat(output.files().get(0).url()).contains("secret123");
        assertThat(output.toString()).contains("https://media.example/a.png").doesNotContain("secret123");
        assertThat(output.images().get(0).toString()).doesNotContain("secret123");
    }

    @Test
    void aMediaFileFromAUrl() {
        MediaFile file = MediaFile.of("https://media.example/x.wav");
        assertThat(file.url()).isEqualTo("https://media.example/x.wav");
        assertThat(file.contentType()).isEmpty();
        assertThat(file.fileName()).isEmpty();
        assertThat(file.fileSize()).isEmpty();
        assertThat(file.requestId()).isEmpty();
        assertThat(file).isEqualTo(MediaFile.of("https://media.example/x.wav"));
        assertThatThrownBy(() -> MediaFile.of(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
