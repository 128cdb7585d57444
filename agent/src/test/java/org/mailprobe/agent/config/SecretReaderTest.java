package org.mailprobe.agent.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

class SecretReaderTest {

    @Test
    void rootOwnedFileReadableByTheServiceGroupIsTheDocumentedDeploymentAndNotWarned() {
        assertFalse(SecretReader.shared(PosixFilePermissions.fromString("rw-r-----"), false));
    }

    @Test
    void groupReadableFileOwnedByTheAgentItselfIsWarned() {
        assertTrue(SecretReader.shared(PosixFilePermissions.fromString("rw-r-----"), true));
    }

    @Test
    void groupWritableFileIsWarnedWhoeverOwnsIt() {
        assertTrue(SecretReader.shared(PosixFilePermissions.fromString("rw-rw----"), false));
    }

    @Test
    void fileOthersCanReadIsWarnedWhoeverOwnsIt() {
        assertTrue(SecretReader.shared(PosixFilePermissions.fromString("rw----r--"), false));
    }

    @Test
    void privateFileIsNotWarned() {
        assertFalse(SecretReader.shared(PosixFilePermissions.fromString("rw-------"), true));
    }
}
