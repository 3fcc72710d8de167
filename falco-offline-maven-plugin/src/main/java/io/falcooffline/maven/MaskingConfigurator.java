package io.falcooffline.maven;

import org.codehaus.plexus.classworlds.realm.ClassRealm;
import org.codehaus.plexus.component.configurator.BasicComponentConfigurator;
import org.codehaus.plexus.component.configurator.ComponentConfigurationException;
import org.codehaus.plexus.component.configurator.ComponentConfigurator;
import org.codehaus.plexus.component.configurator.ConfigurationListener;
import org.codehaus.plexus.component.configurator.expression.ExpressionEvaluator;
import org.codehaus.plexus.configuration.PlexusConfiguration;

/**
 * Maven's basic configurator, except that what it reports to its listeners passes {@link CredentialMask} first: with
 * {@code -X} Maven logs every parameter value it sets ({@code (f) registry = ...}), and a value a user got wrong
 * (a password in {@code registry}) would land in the build log before the goal could refuse it. The goal still
 * receives the values as given.
 */
public class MaskingConfigurator implements ComponentConfigurator {

    /** The name the goals give as their {@code configurator}; META-INF/plexus/components.xml registers it. */
    public static final String HINT = "falco-offline-masking";

    private final ComponentConfigurator basic = new BasicComponentConfigurator();

    @Override
    public void configureComponent(Object component, PlexusConfiguration configuration, ClassRealm realm)
            throws ComponentConfigurationException {
        basic.configureComponent(component, configuration, realm);
    }

    @Override
    public void configureComponent(
            Object component, PlexusConfiguration configuration, ExpressionEvaluator evaluator, ClassRealm realm)
            throws ComponentConfigurationException {
        basic.configureComponent(component, configuration, evaluator, realm);
    }

    @Override
    public void configureComponent(
            Object component,
            PlexusConfiguration configuration,
            ExpressionEvaluator evaluator,
            ClassRealm realm,
            ConfigurationListener listener)
            throws ComponentConfigurationException {
        basic.configureComponent(
                component, configuration, evaluator, realm, listener == null ? null : new Masking(listener));
    }

    /** Passes masked text in place of each value; only the log sees it. */
    static final class Masking implements ConfigurationListener {
        private final ConfigurationListener delegate;

        Masking(ConfigurationListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void notifyFieldChangeUsingSetter(String fieldName, Object value, Object target) {
            delegate.notifyFieldChangeUsingSetter(fieldName, masked(value), target);
        }

        @Override
        public void notifyFieldChangeUsingReflection(String fieldName, Object value, Object target) {
            delegate.notifyFieldChangeUsingReflection(fieldName, masked(value), target);
        }

        static Object masked(Object value) {
            if (value == null) {
                return null;
            }
            String text = value.getClass().isArray()
                    ? java.util.Arrays.deepToString(new Object[] {value})
                    : String.valueOf(value);
            String masked = MavenLogListener.oneLine(CredentialMask.mask(text));
            return masked.equals(text) ? value : masked;
        }
    }
}
