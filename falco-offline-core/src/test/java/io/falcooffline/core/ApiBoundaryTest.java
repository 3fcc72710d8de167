package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's public API is the root package and {@code plan}: what an embedder (and the Maven plugin) may use.
 * Every other package is internal. This test fixes the list of API types and checks that none of them exposes an
 * internal type, so that an embedder never needs one.
 */
class ApiBoundaryTest {

    static final Set<String> API_PACKAGES = Set.of("io.falcooffline.core", "io.falcooffline.core.plan");

    static final Set<String> API_TYPES = Set.of(
            "io.falcooffline.core.ArtifactNotFoundException",
            "io.falcooffline.core.AuditBatch",
            "io.falcooffline.core.AuditBatch$Builder",
            "io.falcooffline.core.AuditBatch$Mode",
            "io.falcooffline.core.AuditMismatchException",
            "io.falcooffline.core.AuditOptions",
            "io.falcooffline.core.AuditOptions$Builder",
            "io.falcooffline.core.AuditOptions$ServiceType",
            "io.falcooffline.core.AuditTls",
            "io.falcooffline.core.AuditTls$Builder",
            "io.falcooffline.core.Delivery",
            "io.falcooffline.core.DigestMismatchException",
            "io.falcooffline.core.FalcoOffline",
            "io.falcooffline.core.FalcoOfflineException",
            "io.falcooffline.core.FalcoOptions",
            "io.falcooffline.core.FalcoOptions$Builder",
            "io.falcooffline.core.InvalidChartException",
            "io.falcooffline.core.InvalidReferenceException",
            "io.falcooffline.core.InvalidRequestException",
            "io.falcooffline.core.InvalidYamlException",
            "io.falcooffline.core.LegacyAuditConfigException",
            "io.falcooffline.core.MirrorException",
            "io.falcooffline.core.MirrorMode",
            "io.falcooffline.core.MirrorOptions",
            "io.falcooffline.core.MirrorOptions$Builder",
            "io.falcooffline.core.MirrorResult",
            "io.falcooffline.core.PackageRequest",
            "io.falcooffline.core.PackageRequest$Builder",
            "io.falcooffline.core.PackageResult",
            "io.falcooffline.core.Platform",
            "io.falcooffline.core.ProgressListener",
            "io.falcooffline.core.ProgressListener$Level",
            "io.falcooffline.core.ProxySettings",
            "io.falcooffline.core.ProxySettings$Builder",
            "io.falcooffline.core.HostUnreachableException",
            "io.falcooffline.core.PushRequest",
            "io.falcooffline.core.ChartSource",
            "io.falcooffline.core.ChartSource$Git",
            "io.falcooffline.core.ChartSource$Local",
            "io.falcooffline.core.ChartSource$Oci",
            "io.falcooffline.core.ChartSource$Repository",
            "io.falcooffline.core.ChartSource$Url",
            "io.falcooffline.core.ChartSourceException",
            "io.falcooffline.core.SourceUnreachableException",
            "io.falcooffline.core.SourceOptions",
            "io.falcooffline.core.SourceOptions$Builder",
            "io.falcooffline.core.PublishOptions",
            "io.falcooffline.core.PublishOptions$Builder",
            "io.falcooffline.core.PushRequest$Builder",
            "io.falcooffline.core.ReferenceConflictException",
            "io.falcooffline.core.RegistryConnection",
            "io.falcooffline.core.RegistryConnection$Builder",
            "io.falcooffline.core.RegistryCredentials",
            "io.falcooffline.core.RegistryException",
            "io.falcooffline.core.RenderVerificationException",
            "io.falcooffline.core.RepositoryLayout",
            "io.falcooffline.core.UnredirectedReferencesException",
            "io.falcooffline.core.VerifyMode",
            "io.falcooffline.core.plan.Disposition",
            "io.falcooffline.core.plan.LockEntry",
            "io.falcooffline.core.plan.LockEntry$Builder",
            "io.falcooffline.core.plan.LockEntry$Origin",
            "io.falcooffline.core.plan.OciReference",
            "io.falcooffline.core.plan.Plan",
            "io.falcooffline.core.plan.PlanJson",
            "io.falcooffline.core.plan.PlannedReference",
            "io.falcooffline.core.plan.ReferenceKind",
            "io.falcooffline.core.plan.ReferenceLocation",
            "io.falcooffline.core.plan.TargetMapping",
            "io.falcooffline.core.plan.ValuesChange");

    @Test
    void shouldExposeExactlyTheListedTypesFromTheApiPackages() throws Exception {
        Set<String> publicTypes = new TreeSet<>();
        for (Class<?> type : mainClasses()) {
            if (API_PACKAGES.contains(type.getPackageName()) && isVisible(type)) {
                publicTypes.add(type.getName());
            }
        }
        assertThat(publicTypes).containsExactlyInAnyOrderElementsOf(API_TYPES);
    }

    @Test
    void shouldUseOnlyApiAndJdkTypesInTheApiSignatures() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : mainClasses()) {
            if (!API_TYPES.contains(type.getName())) {
                continue;
            }
            check(type.getName() + " extends", type.getGenericSuperclass(), leaks);
            for (Type implemented : type.getGenericInterfaces()) {
                check(type.getName() + " implements", implemented, leaks);
            }
            for (Method method : type.getDeclaredMethods()) {
                if (isVisible(method.getModifiers()) && !method.isSynthetic()) {
                    String where = type.getName() + "." + method.getName();
                    check(where, method.getGenericReturnType(), leaks);
                    for (Type parameter : method.getGenericParameterTypes()) {
                        check(where, parameter, leaks);
                    }
                }
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (isVisible(constructor.getModifiers()) && !constructor.isSynthetic()) {
                    for (Type parameter : constructor.getGenericParameterTypes()) {
                        check(type.getName() + ".<init>", parameter, leaks);
                    }
                }
            }
            for (Field field : type.getDeclaredFields()) {
                if (isVisible(field.getModifiers())) {
                    check(type.getName() + "." + field.getName(), field.getGenericType(), leaks);
                }
            }
        }
        assertThat(leaks).as("internal types in the public API").isEmpty();
    }

    @Test
    void shouldMarkEveryInternalPackageAsInternal() throws Exception {
        Set<String> unmarked = new TreeSet<>();
        Path root = classesRoot();
        for (Class<?> type : mainClasses()) {
            String pkg = type.getPackageName();
            if (API_PACKAGES.contains(pkg)) {
                continue;
            }
            Path packageInfo = Path.of("src/main/java", pkg.replace('.', '/'), "package-info.java");
            if (!Files.isRegularFile(packageInfo)
                    || !Files.readString(packageInfo).contains("Internal")) {
                unmarked.add(pkg);
            }
        }
        assertThat(root).isDirectory();
        assertThat(unmarked)
                .as("internal packages without an 'Internal' package-info")
                .isEmpty();
    }

    private static void check(String where, Type type, List<String> leaks) {
        if (type == null) {
            return;
        }
        if (type instanceof Class<?> plain) {
            Class<?> element = plain;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            if (element.getName().startsWith("io.falcooffline.") && !API_TYPES.contains(element.getName())) {
                leaks.add(where + " uses " + element.getName());
            }
        } else if (type instanceof ParameterizedType parameterized) {
            check(where, parameterized.getRawType(), leaks);
            for (Type argument : parameterized.getActualTypeArguments()) {
                check(where, argument, leaks);
            }
        } else if (type instanceof WildcardType wildcard) {
            for (Type bound : wildcard.getUpperBounds()) {
                check(where, bound, leaks);
            }
            for (Type bound : wildcard.getLowerBounds()) {
                check(where, bound, leaks);
            }
        } else if (type instanceof GenericArrayType array) {
            check(where, array.getGenericComponentType(), leaks);
        }
    }

    private static boolean isVisible(Class<?> type) {
        for (Class<?> enclosing = type; enclosing != null; enclosing = enclosing.getEnclosingClass()) {
            if (!Modifier.isPublic(enclosing.getModifiers()) || enclosing.isAnonymousClass()) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static Path classesRoot() throws URISyntaxException {
        return Path.of(FalcoOffline.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
    }

    private static List<Class<?>> mainClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = classesRoot();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.');
                name = name.substring(0, name.length() - ".class".length());
                if (name.endsWith("package-info") || name.endsWith("module-info")) {
                    continue;
                }
                classes.add(Class.forName(name, false, ApiBoundaryTest.class.getClassLoader()));
            }
        }
        return classes;
    }
}
