/**
 * Internal: the verify stage. Render verification: the output chart rendered with Helm's own engine, the way a {@code helm install} with no
 * {@code -f} renders it but with no cluster, and everything it pulls held against the plan.
 *
 * <p>{@link io.falcooffline.core.verify.RenderVerification} is the one entry point: a package run calls it once,
 * after the rewrite and before anything is written, with the {@link io.falcooffline.core.VerifyMode} of the
 * request, and continues with the plan it returns (template-default tags added as the cluster pulls them). helm-java
 * is used inside this package only, through a class loaded on the first verification that needs it; nothing public
 * here mentions it.
 */
package io.falcooffline.core.verify;
