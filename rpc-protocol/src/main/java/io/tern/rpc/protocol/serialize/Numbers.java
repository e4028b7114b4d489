package io.tern.rpc.protocol.serialize;

import io.netty.buffer.ByteBuf;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Peer-supplied BigDecimal and BigInteger values under the digit and scale caps of {@link DecodeBudget}: the text or
 * bytes are measured before anything is parsed, because parsing is quadratic in the digit count (a million digits
 * take seconds of CPU, and gzip carries them in kilobytes).
 */
final class Numbers {
    /** Longest BigDecimal text: its digits, as many leading zeros as the scale allows, sign, point and exponent. */
    static final int MAX_DECIMAL_TEXT = DecodeBudget.MAX_NUMBER_DIGITS + DecodeBudget.MAX_NUMBER_SCALE + 16;
    /** Longest BigInteger text: its digits and a sign. */
    static final int MAX_INTEGER_TEXT = DecodeBudget.MAX_NUMBER_DIGITS + 1;
    /** Bytes of the two's-complement form of a BigInteger of {@link DecodeBudget#MAX_NUMBER_DIGITS} digits, with its sign bit. */
    static final int MAX_INTEGER_BYTES = (int) Math.ceil((DecodeBudget.MAX_NUMBER_DIGITS * (Math.log(10) / Math.log(2)) + 1) / 8);

    private Numbers() {
    }

    /** Refuses a number's text of {@code length} characters before it is read, when it cannot be within the caps. */
    static void checkTextLength(long length, int max, String what) {
        if (length > max) {
            throw new CorruptBodyException(what + " text of " + length + " characters is over the limit of " + DecodeBudget.MAX_NUMBER_DIGITS
                    + " digits" + (max == MAX_DECIMAL_TEXT ? " and scale ±" + DecodeBudget.MAX_NUMBER_SCALE : ""));
        }
    }

    /** The text of a number, refused by its length before the String is made; its digits are checked by the parse methods. */
    static String readText(ByteBuf in, int maxLength, String what) {
        long announced = Varints.readAnnouncedLength(in);
        if (announced < 0) {
            throw new CorruptBodyException(what + " without text");
        }
        checkTextLength(announced, maxLength, what);
        int len = Varints.checkLeft(in, announced);
        String text = in.toString(in.readerIndex(), len, StandardCharsets.UTF_8);
        in.skipBytes(len);
        return text;
    }

    /** Parses a BigDecimal after checking its significant digits, then its scale; spends the text's length. */
    static BigDecimal parseDecimal(String text, String what) {
        checkTextLength(text.length(), MAX_DECIMAL_TEXT, what);
        int digits = significantDigits(text);
        DecodeBudget.checkDigits(digits, what);
        DecodeBudget.spend(text.length() - digits, what);
        BigDecimal value = new BigDecimal(text);
        DecodeBudget.checkScale(value.scale(), what);
        return value;
    }

    /** Parses a BigInteger after checking its digit count; spends the text's length. */
    static BigInteger parseInteger(String text, String what) {
        checkTextLength(text.length(), MAX_INTEGER_TEXT, what);
        int sign = !text.isEmpty() && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
        DecodeBudget.checkDigits(text.length() - sign, what);
        DecodeBudget.spend(sign, what);
        return new BigInteger(text);
    }

    /** Builds a BigInteger from its two's-complement bytes after checking their number against the digit cap. */
    static BigInteger fromBytes(byte[] bytes, String what) {
        checkByteLength(bytes.length, what);
        return new BigInteger(bytes);
    }

    static void checkByteLength(int length, String what) {
        if (length > MAX_INTEGER_BYTES) {
            throw new CorruptBodyException(what + " of " + length + " bytes (about " + (long) (length * 8 * Math.log10(2)) + " digits) is over the limit of "
                    + DecodeBudget.MAX_NUMBER_DIGITS + " digits (" + MAX_INTEGER_BYTES + " bytes)");
        }
    }

    /** Digits of the significand, leading zeros excluded: "0.00120" has three. */
    static int significantDigits(String text) {
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 'e' || c == 'E') {
                break;
            }
            if (c >= '1' && c <= '9' || c == '0' && digits > 0) {
                digits++;
            }
        }
        return digits;
    }
}
