package io.falcooffline.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.CompactConstructorDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.RecordDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.nodeTypes.NodeWithJavadoc;
import com.github.javaparser.javadoc.JavadocBlockTag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public method and constructor of the API packages has Javadoc, read from the sources: an embedder sees the
 * API through its documentation. A method that overrides one ({@code @Override}) inherits its documentation; a record
 * component is documented by an {@code @param} of the record's Javadoc, which also covers an accessor declared for it
 * and, once every component has one, the record's compact constructor.
 */
class ApiJavadocTest {

    private static final JavaParser PARSER =
            new JavaParser(new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17));

    @Test
    void shouldDocumentEveryPublicMethodAndConstructorOfTheApi() throws IOException {
        Scan scan = scanApiSources();

        assertThat(scan.types)
                .as("the API types found in the sources are the ones ApiBoundaryTest lists")
                .containsExactlyInAnyOrderElementsOf(ApiBoundaryTest.API_TYPES);
        assertThat(scan.checked).as("public methods and constructors read").isGreaterThan(200);
        assertThat(scan.undocumented)
                .as("public API methods and constructors without Javadoc (add a /** ... */ block)")
                .isEmpty();
    }

    @Test
    void shouldFindAMissingJavadoc() {
        Scan scan = new Scan();
        scan.read(
                "io.falcooffline.core",
                parse("package io.falcooffline.core; /** A type. */ public final class Sample {"
                        + " /** Documented. */ public Sample() {}"
                        + " public void bare() {}"
                        + " @Override public String toString() { return \"\"; }"
                        + " void internal() {}"
                        + " /** A record.\n * @param name documented\n */ public record Part(String name, int size) {"
                        + "   public String name() { return name; } }"
                        + " /** An interface. */ public interface Listener { void heard(); } }"));

        assertThat(scan.undocumented)
                .containsExactlyInAnyOrder(
                        "io.falcooffline.core.Sample.bare()",
                        "io.falcooffline.core.Sample$Part: record component 'size' has no @param",
                        "io.falcooffline.core.Sample$Listener.heard()");
        assertThat(scan.types)
                .containsExactlyInAnyOrder(
                        "io.falcooffline.core.Sample",
                        "io.falcooffline.core.Sample$Part",
                        "io.falcooffline.core.Sample$Listener");
    }

    private static Scan scanApiSources() throws IOException {
        Scan scan = new Scan();
        for (String apiPackage : ApiBoundaryTest.API_PACKAGES) {
            Path directory = Path.of("src/main/java", apiPackage.replace('.', '/'));
            List<Path> sources;
            try (Stream<Path> files = Files.list(directory)) {
                sources = files.filter(file -> file.toString().endsWith(".java"))
                        .sorted()
                        .toList();
            }
            for (Path source : sources) {
                scan.read(apiPackage, parse(Files.readString(source)));
            }
        }
        return scan;
    }

    private static CompilationUnit parse(String source) {
        ParseResult<CompilationUnit> result = PARSER.parse(source);
        assertThat(result.getProblems()).as("parse problems").isEmpty();
        return result.getResult().orElseThrow();
    }

    /** What the scan found: the visible types, how many members it checked, and the undocumented ones. */
    private static final class Scan {
        final Set<String> types = new TreeSet<>();
        final List<String> undocumented = new ArrayList<>();
        int checked;

        void read(String apiPackage, CompilationUnit unit) {
            for (TypeDeclaration<?> type : unit.getTypes()) {
                if (type.isPublic()) {
                    readType(apiPackage + "." + type.getNameAsString(), type);
                }
            }
        }

        private void readType(String name, TypeDeclaration<?> type) {
            types.add(name);
            boolean isInterface = type instanceof ClassOrInterfaceDeclaration declaration && declaration.isInterface();
            Set<String> documentedComponents = documentedComponents(type);
            if (type instanceof RecordDeclaration record) {
                record.getParameters().stream()
                        .map(parameter -> parameter.getNameAsString())
                        .filter(component -> !documentedComponents.contains(component))
                        .forEach(component ->
                                undocumented.add(name + ": record component '" + component + "' has no @param"));
            }
            for (BodyDeclaration<?> member : type.getMembers()) {
                if (member instanceof TypeDeclaration<?> nested) {
                    if (nested.isPublic() || isInterface && !nested.isPrivate()) {
                        readType(name + "$" + nested.getNameAsString(), nested);
                    }
                } else if (member instanceof CallableDeclaration<?> callable) {
                    boolean visible =
                            callable.isPublic() || callable.isProtected() || isInterface && !callable.isPrivate();
                    if (visible && !callable.isAnnotationPresent(Override.class)) {
                        check(name, callable, documentedComponents);
                    }
                } else if (member instanceof CompactConstructorDeclaration compact && compact.isPublic()) {
                    checked++;
                    // The record's Javadoc documents its canonical constructor when it names every component.
                    boolean recordDocumented = type.getJavadocComment().isPresent()
                            && ((RecordDeclaration) type)
                                    .getParameters().stream()
                                            .allMatch(component ->
                                                    documentedComponents.contains(component.getNameAsString()));
                    if (compact.getJavadocComment().isEmpty() && !recordDocumented) {
                        undocumented.add(name + ".<init> (compact)");
                    }
                }
            }
        }

        private void check(String typeName, CallableDeclaration<?> callable, Set<String> documentedComponents) {
            checked++;
            boolean componentAccessor = callable instanceof MethodDeclaration method
                    && method.getParameters().isEmpty()
                    && documentedComponents.contains(method.getNameAsString());
            if (((NodeWithJavadoc<?>) callable).getJavadocComment().isEmpty() && !componentAccessor) {
                String parameters = callable.getParameters().stream()
                        .map(parameter -> parameter.getType().asString())
                        .collect(Collectors.joining(", "));
                String member = callable.isConstructorDeclaration() ? "<init>" : callable.getNameAsString();
                undocumented.add(typeName + "." + member + "(" + parameters + ")");
            }
        }

        /** The record components named by {@code @param} in a record's Javadoc; empty for other types. */
        private static Set<String> documentedComponents(TypeDeclaration<?> type) {
            if (!(type instanceof RecordDeclaration)) {
                return Set.of();
            }
            return type.getJavadoc().stream()
                    .flatMap(javadoc -> javadoc.getBlockTags().stream())
                    .filter(tag -> tag.getType() == JavadocBlockTag.Type.PARAM)
                    .map(tag -> tag.getName().orElse(""))
                    .collect(Collectors.toSet());
        }
    }
}
