package tickertape.status;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import java.io.StringWriter;

/**
 * A Mustache template on the classpath, compiled once (a broken one fails the start, not a request)
 * and rendered with a view object: its {@code {{name}}} tags read the view's record components and
 * HTML-escape what they write. Rendering is thread-safe.
 */
public class HtmlTemplate {
    private final Mustache template;

    /** @param resource the template's classpath location, such as {@code status/page.mustache} */
    public HtmlTemplate(String resource) {
        this.template = new DefaultMustacheFactory().compile(resource);
    }

    public String render(Object view) {
        StringWriter html = new StringWriter(64 * 1024);
        template.execute(html, view);
        return html.toString();
    }
}
