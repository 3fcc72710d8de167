/**
 * Internal: {@code delivery=baked} and {@code driverKernels}, part of the falco stage. Derived images (a Falco image with
 * the plugins and rules falcoctl would install, a driver-loader image with prebuilt drivers) built from OCI content
 * alone, for clusters where nothing is downloaded at start-up.
 *
 * <p>The pipeline hands {@link io.falcooffline.core.falco.bake.FalcoImageBuild} and
 * {@link io.falcooffline.core.falco.bake.DriverLoaderBuild} to the mirror stage as
 * {@link io.falcooffline.core.mirror.DerivedImageBuild}s, which it runs once their inputs are in the target; they call
 * {@link io.falcooffline.core.falco.bake.FalcoImageBaker#bake} with a
 * {@link io.falcooffline.core.falco.bake.BakeRequest} and {@link io.falcooffline.core.falco.bake.DriverLoaderBaker#bake}.
 */
package io.falcooffline.core.falco.bake;
