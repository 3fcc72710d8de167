/**
 * Internal: {@code delivery=baked}, part of the falco stage. A derived Falco image with the plugins and rules falcoctl
 * would install, built from OCI content alone, for clusters where falcoctl does not run.
 *
 * <p>{@link io.falcooffline.core.falco.bake.FalcoImageBaker#bake} is the entry the pipeline calls with a
 * {@link io.falcooffline.core.falco.bake.BakeRequest}; its {@link io.falcooffline.core.falco.bake.BakeResult} names
 * the image and the files in it, for the values that point Falco at them.
 */
package io.falcooffline.core.falco.bake;
