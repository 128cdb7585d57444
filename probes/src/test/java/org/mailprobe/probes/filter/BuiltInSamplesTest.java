package org.mailprobe.probes.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BuiltInSamplesTest {
    /** SHA-256 of the 68-byte EICAR file, as published with it: proves the assembly without the string here. */
    static final String EICAR_SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f";
    static final String GTUBE_SHA256 = "4418994365912e23b756ec7f14960f1a89230e44e6acb74de055db7c092f8b9c";

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void theAssembledEicarIsTheIndustryTestFile() throws Exception {
        assertEquals(EICAR_SHA256, sha256(TestPatterns.eicar()));
    }

    @Test
    void theAssembledGtubeIsTheIndustryTestString() throws Exception {
        assertEquals(GTUBE_SHA256, sha256(TestPatterns.gtube().getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void anUnknownVariantIsRefusedNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SampleCorpus.builtIns(List.of("eicar", "eicar-rar")));

        assertTrue(e.getMessage().contains("'eicar-rar'"), e.getMessage());
    }

    @Test
    void everyBuiltInVariantHasItsKindInTheOrderAsked() {
        List<FilterSample> samples = SampleCorpus.builtIns(SampleCorpus.BUILT_IN_VARIANTS);

        assertEquals(SampleCorpus.BUILT_IN_VARIANTS, samples.stream().map(FilterSample::variant).toList());
        assertEquals(List.of(SampleKind.VIRUS, SampleKind.VIRUS, SampleKind.VIRUS, SampleKind.VIRUS, SampleKind.VIRUS,
                SampleKind.SPAM, SampleKind.CLEAN), samples.stream().map(FilterSample::kind).toList());
    }
}
