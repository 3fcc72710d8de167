package io.falcooffline.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class PropertyNamesTest {

    @Test
    void shouldNameThePropertyWhenTheParameterExists() {
        assertThat(PropertyNames.forParameter("registry")).contains("falco-offline.registry");
        assertThat(PropertyNames.forParameter("repositoryLayout")).contains(PropertyNames.REPOSITORY_LAYOUT);
    }

    @Test
    void shouldBeEmptyWhenNoGoalHasTheParameter() {
        assertThat(PropertyNames.forParameter("project")).isEmpty();
        assertThat(PropertyNames.forParameter("")).isEmpty();
    }

    @Test
    void shouldUseThePrefixedParameterNameWhenAGoalParameterHasAProperty() throws Exception {
        Document descriptor;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/maven/plugin.xml")) {
            assertThat(in).as("generated plugin descriptor").isNotNull();
            descriptor =
                    DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        List<String> checked = new ArrayList<>();
        NodeList configurations = descriptor.getElementsByTagName("configuration");
        for (int i = 0; i < configurations.getLength(); i++) {
            NodeList parameters = configurations.item(i).getChildNodes();
            for (int j = 0; j < parameters.getLength(); j++) {
                if (parameters.item(j) instanceof Element parameter
                        && parameter.getTextContent().startsWith("${" + PropertyNames.PREFIX)) {
                    String name = parameter.getTagName();
                    assertThat(parameter.getTextContent()).isEqualTo("${" + PropertyNames.PREFIX + name + "}");
                    assertThat(PropertyNames.forParameter(name)).as(name).isPresent();
                    checked.add(name);
                }
            }
        }
        assertThat(checked).contains("chart", "registry", "overrides", "valuesFiles", "skip");
    }
}
