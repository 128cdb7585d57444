/**
 * OAuth 2.0 sign-in: access tokens fetched, cached and refreshed per account
 * ({@link org.mailprobe.probes.oauth.BearerTokenSources}), and the SASL {@code XOAUTH2} and
 * {@code OAUTHBEARER} dialogues run on SMTP, IMAP and POP3, never falling back to a password mechanism.
 * Imports the vocabulary and {@code internal}.
 */
@NullMarked
package org.mailprobe.probes.oauth;

import org.jspecify.annotations.NullMarked;

