package tickertape.status;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.reflect.Guard;
import com.github.mustachejava.reflect.MissingWrapper;
import com.github.mustachejava.reflect.ReflectionObjectHandler;
import java.io.StringWriter;
import java.util.List;

/**
 * A Mustache template on the classpath, compiled once (a broken one fails the start, not a request)
 * and rendered with a view object: its {@code {{name}}} tags read the view's record components and
 * HTML-escape what they write. A name that no object in scope has fails the render, where Mustache
 * would write nothing: a misspelt name shows in the first test that renders it. Rendering is thread-safe.
 */
public class HtmlTemplate {
    private final Mustache template;

    /** @param resource the template's classpath location, such as {@code status/page.mustache} */
    public HtmlTemplate(String resource) {
        DefaultMustacheFactory factory = new DefaultMustacheFactory();
        factory.setObjectHandler(new ReflectionObjectHandler() {
            @Override
            protected MissingWrapper createMissingWrapper(String name, List<Guard> guards) {
                throw new MustacheException(resource + ": no " + name + " in the view");
            }
        });
        this.template = factory.compile(resource);
    }

    public String render(Object view) {
        StringWriter html = new StringWriter(64 * 1024);
        template.execute(html, view);
        return html.toString();
    }
}
