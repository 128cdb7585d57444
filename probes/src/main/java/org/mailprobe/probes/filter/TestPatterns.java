package org.mailprobe.probes.filter;

import java.nio.charset.StandardCharsets;

/**
 * The industry's two harmless test patterns. Neither is kept as one literal in the repository:
 * virus scanners on developers' machines and in source hosting quarantine any file that holds the
 * whole EICAR string, and some spam filters reject a commit mail or a patch that holds GTUBE. So
 * each is assembled here, at run time, from parts that match nothing on their own.
 */
final class TestPatterns {
    private TestPatterns() {}

    /** The 68-byte EICAR anti-virus test file (https://www.eicar.org/download-anti-malware-testfile/). */
    static byte[] eicar() {
        String head = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$";
        String middle = "EICAR-STANDARD-ANTIVIRUS-";
        String tail = "TEST-FILE!$H+H*";
        return (head + middle + tail).getBytes(StandardCharsets.US_ASCII);
    }

    /** SpamAssassin's Generic Test for Unsolicited Bulk Email (https://spamassassin.apache.org/gtube/). */
    static String gtube() {
        String head = "XJS*C4JDBQADN1.NSBN3*2IDNEN*";
        String middle = "GTUBE-STANDARD-ANTI-UBE-";
        String tail = "TEST-EMAIL*C.34X";
        return head + middle + tail;
    }
}
