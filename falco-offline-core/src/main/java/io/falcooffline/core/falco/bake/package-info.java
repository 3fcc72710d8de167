/**
 * {@code delivery=baked}: a derived Falco image with the plugins and rules falcoctl would install, built from OCI
 * content alone, for clusters where falcoctl does not run.
 *
 * <p>{@link io.falcooffline.core.falco.bake.FalcoImageBaker#bake} is the stage the package pipeline calls with a
 * {@link io.falcooffline.core.falco.bake.BakeRequest}; its {@link io.falcooffline.core.falco.bake.BakeResult} names
 * the image and the files in it, for the values that point Falco at them. These types are internal to the pipeline,
 * not part of the library's public API.
 */
package io.falcooffline.core.falco.bake;
