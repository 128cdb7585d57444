/**
 * Handing a probe over: {@link org.mailprobe.probes.submit.SubmissionProbe} (SMTP submission with
 * authentication, the start of the loop and send legs) and
 * {@link org.mailprobe.probes.submit.MxDeliveryProbe} (delivery to a domain's MX as a source mail server,
 * the receive leg), each a small object with one method that takes a deadline and returns a result
 * timed stage by stage. Imports the vocabulary, {@code internal}, {@code token} and {@code oauth}.
 */
@NullMarked
package org.mailprobe.probes.submit;

import org.jspecify.annotations.NullMarked;

