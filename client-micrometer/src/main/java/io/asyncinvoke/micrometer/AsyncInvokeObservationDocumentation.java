package io.asyncinvoke.micrometer;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations {@link ObservationAsyncInvokeListener} makes, and their keys. Key names follow
 * Spring AI's ({@code gen_ai.*}, from the OpenTelemetry GenAI conventions) where they fit, else
 * OpenTelemetry's HTTP ones, else {@code asyncinvoke.*}.
 */
public enum AsyncInvokeObservationDocumentation implements ObservationDocumentation {

    /**
     * One job, from the subscription to its watch (the submit included, for
     * {@code submitAndWatch} and {@code invoke}) until it ends: completed, failed, timed out,
     * cancelled or in error. Its span is the parent of the requests made on the way.
     */
    JOB {
        @Override
        public String getName() {
            return ObservationAsyncInvokeListener.JOB_OBSERVATION;
        }

        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultJobObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return JobKeys.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return JobHighCardinalityKeys.values();
        }
    },

    /** One HTTP attempt (each retry is another), a child of its job's observation when it has one. */
    REQUEST {
        @Override
        public String getName() {
            return ObservationAsyncInvokeListener.REQUEST_OBSERVATION;
        }

        @Override
        public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
            return DefaultRequestObservationConvention.class;
        }

        @Override
        public KeyName[] getLowCardinalityKeyNames() {
            return RequestKeys.values();
        }

        @Override
        public KeyName[] getHighCardinalityKeyNames() {
            return RequestHighCardinalityKeys.values();
        }
    };

    /** Low-cardinality keys of {@link #JOB}. */
    public enum JobKeys implements KeyName {
        /** {@code image}, {@code text_to_speech}, {@code text_to_audio}, {@code video} or {@code generate_content} (unknown). */
        OPERATION {
            @Override
            public String asString() {
                return "gen_ai.operation.name";
            }
        },
        /** Always {@code digitalocean}. */
        SYSTEM {
            @Override
            public String asString() {
                return "gen_ai.system";
            }
        },
        /** The model id ({@code unknown} for a watch by id until its job is read; {@code other} beyond the first 100 models). */
        MODEL {
            @Override
            public String asString() {
                return "gen_ai.request.model";
            }
        },
        /** {@code image}, {@code audio}, {@code speech}, {@code video} or {@code unknown}: from the model id, then from the output. */
        FAMILY {
            @Override
            public String asString() {
                return "asyncinvoke.family";
            }
        },
        /** {@code completed}, {@code failed}, {@code timeout}, {@code cancelled} or {@code error}. */
        OUTCOME {
            @Override
            public String asString() {
                return "asyncinvoke.outcome";
            }
        },
        /** {@code submit_and_watch} or {@code watch} (an existing job, by its id). */
        CALL {
            @Override
            public String asString() {
                return "asyncinvoke.call";
            }
        }
    }

    /** High-cardinality keys of {@link #JOB}. */
    public enum JobHighCardinalityKeys implements KeyName {
        /** The job's request_id, once known. */
        REQUEST_ID {
            @Override
            public String asString() {
                return "asyncinvoke.request_id";
            }
        },
        /** The job's last status as the service wrote it ({@code COMPLETED}, {@code FAILED}, ...). */
        STATUS {
            @Override
            public String asString() {
                return "asyncinvoke.status";
            }
        }
    }

    /** Low-cardinality keys of {@link #REQUEST}. */
    public enum RequestKeys implements KeyName {
        /** {@code submit}, {@code status}, {@code get} or {@code download}. */
        OPERATION {
            @Override
            public String asString() {
                return "asyncinvoke.operation";
            }
        },
        /** {@code POST} for a submit, else {@code GET}. */
        METHOD {
            @Override
            public String asString() {
                return "http.request.method";
            }
        },
        /** The HTTP status, or {@code none} when no answer came. */
        STATUS_CODE {
            @Override
            public String asString() {
                return "http.response.status_code";
            }
        },
        /** As the {@code asyncinvoke.requests} meter: {@code success}, {@code client_error}, {@code rate_limited}, ... */
        OUTCOME {
            @Override
            public String asString() {
                return "asyncinvoke.outcome";
            }
        },
        /** The model, when known ({@code unknown} otherwise). */
        MODEL {
            @Override
            public String asString() {
                return "gen_ai.request.model";
            }
        }
    }

    /** High-cardinality keys of {@link #REQUEST}. */
    public enum RequestHighCardinalityKeys implements KeyName {
        /** The job concerned, when known. */
        REQUEST_ID {
            @Override
            public String asString() {
                return "asyncinvoke.request_id";
            }
        },
        /** 1 for the first attempt, 2 for its first retry, ... */
        ATTEMPT {
            @Override
            public String asString() {
                return "asyncinvoke.attempt";
            }
        },
        /** A download's URL, without its query string (which may be a signature). */
        URL {
            @Override
            public String asString() {
                return "url.full";
            }
        }
    }
}
