using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Mlflow.Webhooks;

/// <summary>The signing scheme: HMAC-SHA256 over <c>"{delivery_id}.{timestamp}.{raw body}"</c>, keyed with the UTF-8 secret.</summary>
internal static class WebhookSignature
{
    public const int DigestLength = 32;

    private static ReadOnlySpan<byte> Dot => "."u8;

    public static void ComputeDigest(byte[] key, string deliveryId, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        AppendUtf8(hmac, deliveryId);
        hmac.AppendData(Dot);
        AppendUtf8(hmac, timestamp);
        hmac.AppendData(Dot);
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }

    public static string Format(ReadOnlySpan<byte> digest) => WebhookHeaders.SignaturePrefix + Convert.ToBase64String(digest);

    private static void AppendUtf8(IncrementalHash hmac, string value)
    {
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(value, rented);
            hmac.AppendData(rented, 0, written);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
