package tickertape.status;

/**
 * How good a thing on the status page is: its CSS class (the colour) and a shape of its own, so the
 * state does not rest on colour alone.
 */
enum Tone {
    OK("ok", "●"),
    WARN("warn", "▲"),
    INFO("info", "◆"),
    BAD("bad", "■");

    private final String css;
    private final String glyph;

    Tone(String css, String glyph) {
        this.css = css;
        this.glyph = glyph;
    }

    String css() {
        return css;
    }

    String glyph() {
        return glyph;
    }
}
