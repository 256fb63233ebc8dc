package tickertape.api;

import org.apache.camel.Message;

/**
 * The rate-limit response fields of the IETF httpapi draft (draft-ietf-httpapi-ratelimit-headers):
 * {@code RateLimit-Policy: "bot";q=600;w=60} (quota and window) and {@code RateLimit: "bot";r=598;t=1}
 * (what is left, and seconds until the bucket is full again); on a 429 also {@code Retry-After}.
 */
final class RateLimitHeaders {
    private RateLimitHeaders() {
    }

    static void write(Message message, RateLimits.Decision decision) {
        String policy = "\"" + decision.client().policy() + "\"";
        message.setHeader("RateLimit-Policy", policy + ";q=" + decision.client().limit()
                + ";w=" + decision.window().toSeconds());
        message.setHeader("RateLimit", policy + ";r=" + decision.remaining() + ";t=" + decision.secondsToFull());
        if (!decision.admitted()) {
            message.setHeader("Retry-After", decision.retryAfterSeconds());
        }
    }
}
