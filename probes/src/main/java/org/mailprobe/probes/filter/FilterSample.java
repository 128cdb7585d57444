package org.mailprobe.probes.filter;

/**
 * One sample definition, no token yet. (A stand-in with the agreed signature so this lane
 * compiles; lane i14-sample owns the real one.)
 */
public record FilterSample(SampleKind kind, String variant, MessageTemplate template) {}
