package io.netproxy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The Declarative Services descriptor that bnd writes for a {@code @Component} class
 * ({@code OSGI-INF/<class name>.xml}, in the classes directory before the tests run), read to check that the
 * service is registered the way the engine looks for it.
 */
final class ComponentDescriptor {
    /** Lower case, digits and dashes: usable on the command line, in etc/ files and in an LDAP filter. */
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]*");

    private final Document document;
    private final String resource;

    private ComponentDescriptor(Document document, String resource) {
        this.document = document;
        this.resource = resource;
    }

    static ComponentDescriptor of(Class<?> component) {
        String resource = "OSGI-INF/" + component.getName() + ".xml";
        ClassLoader loader = component.getClassLoader();
        try (InputStream in = loader == null ? null : loader.getResourceAsStream(resource)) {
            if (in == null) {
                return fail("no " + resource + " on the class path: is " + component.getName()
                        + " a @Component, and does bnd (bnd-maven-plugin) process the classes before the tests?");
            }
            // bnd writes the child elements without a namespace prefix
            return new ComponentDescriptor(DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in), resource);
        } catch (IOException | ParserConfigurationException | SAXException e) {
            return fail("cannot read " + resource + ": " + e);
        }
    }

    /**
     * Checks that the name is usable and that the component provides {@code service} with {@code property=name},
     * unless it provides no service through DS at all.
     */
    static void assertRegisteredAs(Class<?> component, Class<?> service, String property, String name) {
        assertTrue(name != null && NAME.matcher(name).matches(),
                "name() must be lower case letters, digits, dots and dashes: '" + name + "'");
        ComponentDescriptor descriptor = of(component);
        // a component with service = {} registers itself (to compute its ranking, say); its own tests check that
        if (descriptor.provides().isEmpty()) return;
        assertTrue(descriptor.provides().contains(service.getName()),
                descriptor.resource + " must provide " + service.getName() + ", provides " + descriptor.provides());
        assertEquals(List.of(name), descriptor.property(property),
                descriptor.resource + " must carry the service property " + property + "=" + name + " (name())");
    }

    private List<String> provides() {
        List<String> interfaces = new ArrayList<>();
        NodeList provides = document.getElementsByTagName("provide");
        for (int i = 0; i < provides.getLength(); i++) {
            interfaces.add(((Element) provides.item(i)).getAttribute("interface"));
        }
        return interfaces;
    }

    private List<String> property(String key) {
        List<String> values = new ArrayList<>();
        NodeList properties = document.getElementsByTagName("property");
        for (int i = 0; i < properties.getLength(); i++) {
            Element property = (Element) properties.item(i);
            if (!property.getAttribute("name").equals(key)) continue;
            if (property.hasAttribute("value")) {
                values.add(property.getAttribute("value"));
            } else {
                property.getTextContent().lines().map(String::strip).filter(line -> !line.isEmpty()).forEach(values::add);
            }
        }
        return values;
    }
}
