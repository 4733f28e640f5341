package io.sparkxent.codegen;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.tools.Diagnostic;

/**
 * Writes, for each class with {@link Kernel} methods (say {@code BceLogitsFunction} in package
 * {@code p}), the class {@code p.BceLogitsBound} with nested {@code Strict} and {@code OrNull}
 * bound functions, and the Java UDF {@code p'.udf.BceLogitsUdf} ({@code p'} the parent of {@code p}).
 *
 * <p>Why generated: Spark finds a bound function's magic method with {@code getDeclaredMethod} on
 * the bound class by the exact Java classes of the declared input types, so every class must
 * declare one {@code invoke} per combination of argument representations (an array argument comes
 * as {@code ArrayData} or, for an MLlib vector, as its UDT row). Written by hand that was 136
 * methods of the same shape; here each is derived from one kernel method.
 */
@SupportedAnnotationTypes("io.sparkxent.codegen.Kernel")
public final class KernelProcessor extends AbstractProcessor {

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Map<TypeElement, List<ExecutableElement>> kernelsByClass = new LinkedHashMap<>();
    for (Element element : round.getElementsAnnotatedWith(Kernel.class)) {
      ExecutableElement method = (ExecutableElement) element;
      if (!method.getModifiers().containsAll(Set.of(Modifier.PUBLIC, Modifier.STATIC))) {
        error(method, "a @Kernel method must be public static");
        continue;
      }
      kernelsByClass.computeIfAbsent((TypeElement) method.getEnclosingElement(), k -> new ArrayList<>())
          .add(method);
    }
    for (Map.Entry<TypeElement, List<ExecutableElement>> entry : kernelsByClass.entrySet()) {
      try {
        List<KernelMethod> kernels = new ArrayList<>();
        for (ExecutableElement method : entry.getValue()) {
          kernels.add(kernelMethod(method));
        }
        FunctionClass function = new FunctionClass(entry.getKey(), kernels);
        write(entry.getKey(), function.boundName(), BoundSource.of(function));
        write(entry.getKey(), function.udfName(), UdfSource.of(function));
      } catch (IllegalArgumentException e) {
        error(entry.getKey(), e.getMessage());
      } catch (IOException e) {
        error(entry.getKey(), "cannot write generated source: " + e);
      }
    }
    return true;
  }

  private KernelMethod kernelMethod(ExecutableElement method) {
    List<Parameter> parameters = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      DefaultsTo defaultsTo = parameter.getAnnotation(DefaultsTo.class);
      if (defaultsTo == null && !parameters.isEmpty() && parameters.get(parameters.size() - 1).defaultValue != null) {
        throw new IllegalArgumentException(method + ": only trailing parameters can have @DefaultsTo");
      }
      parameters.add(new Parameter(parameter.getSimpleName().toString(),
          ParameterKind.of(parameter.asType().toString()), defaultsTo == null ? null : defaultsTo.value()));
    }
    String returnType = method.getReturnType().toString();
    if (!returnType.equals("double") && !returnType.equals("java.lang.Double")) {
      throw new IllegalArgumentException(method + ": a @Kernel method returns double or Double");
    }
    return new KernelMethod(method.getSimpleName().toString(), parameters, returnType.equals("double"));
  }

  private void write(TypeElement origin, String qualifiedName, String source) throws IOException {
    try (Writer writer = processingEnv.getFiler().createSourceFile(qualifiedName, origin).openWriter()) {
      writer.write(source);
    }
  }

  private void error(Element element, String message) {
    processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, message, element);
  }
}
