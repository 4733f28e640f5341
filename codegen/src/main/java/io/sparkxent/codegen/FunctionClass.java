package io.sparkxent.codegen;

import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/** A loss function class with its kernel methods, and the names of what is generated for it. */
final class FunctionClass {
  final String packageName;
  final String simpleName;
  final String baseName;
  final List<KernelMethod> kernels;

  FunctionClass(TypeElement type, List<KernelMethod> kernels) {
    Element enclosing = type.getEnclosingElement();
    if (!(enclosing instanceof PackageElement)) {
      throw new IllegalArgumentException("@Kernel methods belong to a top-level class");
    }
    this.packageName = ((PackageElement) enclosing).getQualifiedName().toString();
    this.simpleName = type.getSimpleName().toString();
    if (!simpleName.endsWith("Function")) {
      throw new IllegalArgumentException("a class with @Kernel methods is named ...Function");
    }
    this.baseName = simpleName.substring(0, simpleName.length() - "Function".length());
    this.kernels = kernels;
  }

  String boundName() {
    return packageName + "." + baseName + "Bound";
  }

  String udfPackage() {
    return packageName.substring(0, packageName.lastIndexOf('.')) + ".udf";
  }

  String udfName() {
    return udfPackage() + "." + baseName + "Udf";
  }

  /** {@code BceLogitsFunction.NAME}: the SQL name errors carry. */
  String nameConstant() {
    return packageName + "." + simpleName + ".NAME";
  }

  String qualifiedKernel(KernelMethod kernel) {
    return packageName + "." + simpleName + "." + kernel.name;
  }
}
