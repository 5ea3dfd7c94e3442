using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mlflow.Webhooks;

/// <summary>
/// Verifies MLflow webhook deliveries: headers, body size, timestamp tolerance, HMAC-SHA256 signature (constant-time
/// comparison, several secrets for rotation), then the JSON envelope and its payload. Thread-safe; hostile input never
/// makes <see cref="Verify"/> throw, it yields a <see cref="WebhookVerificationResult"/> with a rejection reason.
/// </summary>
public sealed class WebhookVerifier
{
    private static readonly System.Buffers.SearchValues<char> Base64Alphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");

    /// <summary>The longest delivery id accepted (MLflow sends 36-character UUIDs).</summary>
    public const int MaxDeliveryIdLength = 256;

    /// <summary>The longest signature header accepted, in characters.</summary>
    public const int MaxSignatureHeaderLength = 4096;

    /// <summary>The most <c>v1,</c> signatures read from one header.</summary>
    public const int MaxSignatures = 16;

    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 64,
        AllowDuplicateProperties = false,
    };

    private readonly byte[][] _keys;
    private readonly TimeProvider _timeProvider;
    private readonly long _toleranceTicks;
    private readonly IWebhookPayloadReader _payloadReader;

    /// <summary>Creates a verifier for one secret with the default tolerance, body limit and payload reader.</summary>
    /// <param name="secret">The webhook secret.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    public WebhookVerifier(string secret, TimeProvider? timeProvider = null)
        : this(new WebhookVerifierOptions { Secrets = [secret], TimeProvider = timeProvider ?? TimeProvider.System })
    {
    }

    /// <summary>Creates a verifier from options (copied; later changes to <paramref name="options"/> have no effect).</summary>
    /// <param name="options">The options.</param>
    /// <exception cref="ArgumentException">No secret, an empty secret, a negative tolerance or a non-positive body limit.</exception>
    public WebhookVerifier(WebhookVerifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Secrets);
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        if (options.Secrets.Count == 0)
        {
            throw new ArgumentException("At least one webhook secret is required.", nameof(options));
        }

        if (options.Secrets.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Webhook secrets must not be null or empty.", nameof(options));
        }

        if (options.Tolerance < TimeSpan.Zero)
        {
            throw new ArgumentException("The timestamp tolerance must not be negative.", nameof(options));
        }

        if (options.MaxBodyBytes <= 0)
        {
            throw new ArgumentException("The body size limit must be positive.", nameof(options));
        }

        _keys = options.Secrets.Select(Encoding.UTF8.GetBytes).ToArray();
        _timeProvider = options.TimeProvider;
        _toleranceTicks = options.Tolerance.Ticks;
        Tolerance = options.Tolerance;
        MaxBodyBytes = options.MaxBodyBytes;
        _payloadReader = options.PayloadReader ?? DefaultWebhookPayloadReader.Instance;
    }

    /// <summary>The largest body accepted, in bytes.</summary>
    public int MaxBodyBytes { get; }

    /// <summary>How far the timestamp may be from the current time, in either direction.</summary>
    public TimeSpan Tolerance { get; }

    /// <summary>Verifies one delivery.</summary>
    /// <param name="deliveryId">The <see cref="WebhookHeaders.DeliveryId"/> header value, or null when absent.</param>
    /// <param name="timestamp">The <see cref="WebhookHeaders.Timestamp"/> header value, or null when absent.</param>
    /// <param name="signature">The <see cref="WebhookHeaders.Signature"/> header value (one or more space-separated
    /// <c>v1,&lt;base64&gt;</c> entries; entries of other versions are ignored), or null when absent.</param>
    /// <param name="body">The exact body bytes as received.</param>
    /// <returns>The verified delivery or the rejection; never throws for any input.</returns>
    public WebhookVerificationResult Verify(string? deliveryId, string? timestamp, string? signature, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(deliveryId))
        {
            return Missing(WebhookHeaders.DeliveryId);
        }

        if (string.IsNullOrEmpty(timestamp))
        {
            return Missing(WebhookHeaders.Timestamp);
        }

        if (string.IsNullOrEmpty(signature))
        {
            return Missing(WebhookHeaders.Signature);
        }

        if (deliveryId.Length > MaxDeliveryIdLength || !IsVisibleAscii(deliveryId))
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.MalformedHeader,
                $"The delivery id must be 1 to {MaxDeliveryIdLength} visible ASCII characters.", WebhookHeaders.DeliveryId);
        }

        if (!TryParseUnixSeconds(timestamp, out var unixSeconds))
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.MalformedHeader,
                "The timestamp must be Unix time in whole seconds (decimal digits).", WebhookHeaders.Timestamp);
        }

        if (body.Length > MaxBodyBytes)
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.BodyTooLarge, $"The body is larger than {MaxBodyBytes} bytes.");
        }

        var timestampCheck = CheckTimestamp(unixSeconds);
        if (timestampCheck is not null)
        {
            return timestampCheck;
        }

        var signatureCheck = CheckSignature(deliveryId, timestamp, signature, body);
        if (signatureCheck is not null)
        {
            return signatureCheck;
        }

        return ReadEnvelope(deliveryId, DateTimeOffset.FromUnixTimeSeconds(unixSeconds), body);
    }

    private static WebhookVerificationResult Missing(string header) =>
        WebhookVerificationResult.Rejected(WebhookRejectionReason.MissingHeader, $"The {header} header is missing.", header);

    private static bool IsVisibleAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryParseUnixSeconds(string value, out long seconds)
    {
        seconds = 0;
        if (value.Length > 19)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out seconds);
    }

    private WebhookVerificationResult? CheckTimestamp(long unixSeconds)
    {
        if (unixSeconds > MaxUnixSeconds)
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.FutureTimestamp, "The timestamp is too far in the future.");
        }

        // In ticks, exactly: the largest timestamp (year 9999) times 10^7 still fits a long.
        var now = _timeProvider.GetUtcNow().UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var difference = (unixSeconds * TimeSpan.TicksPerSecond) - now;
        if (difference > _toleranceTicks)
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.FutureTimestamp,
                $"The timestamp is more than {Tolerance.TotalSeconds:0.###} s in the future.");
        }

        if (-difference > _toleranceTicks)
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.StaleTimestamp,
                $"The timestamp is more than {Tolerance.TotalSeconds:0.###} s old.");
        }

        return null;
    }

    private WebhookVerificationResult? CheckSignature(string deliveryId, string timestamp, string header, ReadOnlySpan<byte> body)
    {
        if (header.Length > MaxSignatureHeaderLength)
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.MalformedSignature,
                $"The signature header is longer than {MaxSignatureHeaderLength} characters.");
        }

        Span<byte> candidates = stackalloc byte[MaxSignatures * WebhookSignature.DigestLength];
        Span<byte> decoded = stackalloc byte[WebhookSignature.DigestLength + 16];
        var count = 0;
        foreach (var range in header.AsSpan().Split(' '))
        {
            var entry = header.AsSpan(range);
            if (!entry.StartsWith(WebhookHeaders.SignaturePrefix, StringComparison.Ordinal))
            {
                continue; // empty entry, or another scheme version
            }

            if (count == MaxSignatures)
            {
                break;
            }

            // Convert skips whitespace inside base64; MLflow's receivers compare the header text exactly, so an entry
            // with whitespace (or any character outside the alphabet) is not a signature.
            var encoded = entry[WebhookHeaders.SignaturePrefix.Length..];
            if (encoded.ContainsAnyExcept(Base64Alphabet))
            {
                continue;
            }

            if (Convert.TryFromBase64Chars(encoded, decoded, out var written)
                && written == WebhookSignature.DigestLength)
            {
                decoded[..written].CopyTo(candidates.Slice(count * WebhookSignature.DigestLength, WebhookSignature.DigestLength));
                count++;
            }
        }

        if (count == 0)
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.MalformedSignature,
                "The signature header holds no 'v1,' entry with the base64 of a 32-byte HMAC-SHA256 digest.");
        }

        Span<byte> expected = stackalloc byte[WebhookSignature.DigestLength];
        var matched = false;
        foreach (var key in _keys)
        {
            WebhookSignature.ComputeDigest(key, deliveryId, timestamp, body, expected);
            for (var i = 0; i < count; i++)
            {
                matched |= CryptographicOperations.FixedTimeEquals(
                    expected, candidates.Slice(i * WebhookSignature.DigestLength, WebhookSignature.DigestLength));
            }
        }

        CryptographicOperations.ZeroMemory(expected);
        return matched
            ? null
            : WebhookVerificationResult.Rejected(WebhookRejectionReason.SignatureMismatch, "The signature does not match the delivery.");
    }

    private WebhookVerificationResult ReadEnvelope(string deliveryId, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        var raw = body.ToArray();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(raw, JsonOptions);
        }
        catch (JsonException e)
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.MalformedJson,
                $"The body is not valid JSON (line {e.LineNumber ?? 0}, byte {e.BytePositionInLine ?? 0}).");
        }
        catch (InvalidOperationException)
        {
            // Found by the fuzz test: the duplicate-property check of System.Text.Json 10 unescapes property names and
            // throws this (not a JsonException) for an escaped lone surrogate such as "\udc00".
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.MalformedJson, "The body holds a property name that is not valid UTF-16.");
        }

        using (document)
        {
            try
            {
                return ReadEnvelope(deliveryId, timestamp, document.RootElement, raw);
            }
            catch (InvalidOperationException)
            {
                // JsonElement.GetString throws for escapes that do not form valid UTF-16 (lone surrogates).
                return WebhookVerificationResult.Rejected(WebhookRejectionReason.MalformedJson, "The body holds a string that is not valid UTF-16.");
            }
        }
    }

    private WebhookVerificationResult ReadEnvelope(string deliveryId, DateTimeOffset timestamp, JsonElement root, byte[] raw)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Envelope("The body is not a JSON object.");
        }

        if (!TryGetNonEmptyString(root, "entity", out var entity))
        {
            return Envelope("The envelope's 'entity' is missing or not a non-empty string.");
        }

        if (!TryGetNonEmptyString(root, "action", out var action))
        {
            return Envelope("The envelope's 'action' is missing or not a non-empty string.");
        }

        if (!TryGetNonEmptyString(root, "timestamp", out var eventTimestampText)
            || !DateTimeOffset.TryParse(eventTimestampText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var eventTimestamp))
        {
            return Envelope("The envelope's 'timestamp' is missing or not an ISO-8601 date and time.");
        }

        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            return Envelope("The envelope's 'data' is missing or not a JSON object.");
        }

        string? workspace = null;
        if (root.TryGetProperty("workspace", out var workspaceElement))
        {
            if (workspaceElement.ValueKind == JsonValueKind.String)
            {
                workspace = workspaceElement.GetString();
            }
            else if (workspaceElement.ValueKind != JsonValueKind.Null)
            {
                return Envelope("The envelope's 'workspace' is not a string.");
            }
        }

        bool known;
        try
        {
            known = _payloadReader.IsKnownEvent(entity, action);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            known = false;
        }

        if (!known)
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.UnknownEvent, "The event (entity, action) is not a known MLflow webhook event.");
        }

        var detached = data.Clone();
        WebhookPayload? payload;
        string? error;
        bool read;
        try
        {
            read = _payloadReader.TryRead(entity, action, detached, out payload, out error);
            if (read && payload is not null)
            {
                if (payload.Event != new WebhookEvent(entity, action))
                {
                    return WebhookVerificationResult.Rejected(WebhookRejectionReason.PayloadMismatch,
                        $"The payload reader returned a {payload.Event} payload for a {entity}.{action} delivery.");
                }

                payload = payload with { Timestamp = eventTimestamp, Workspace = workspace };
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.PayloadMismatch, "The payload reader failed on the data.");
        }

        if (!read)
        {
            return WebhookVerificationResult.Rejected(WebhookRejectionReason.PayloadMismatch,
                $"The data does not match the {entity}.{action} payload: {error ?? "no detail"}.");
        }

        return WebhookVerificationResult.Verified(new VerifiedWebhookDelivery(
            deliveryId, timestamp, new WebhookEvent(entity, action), eventTimestamp, workspace, detached, payload, raw));
    }

    private static WebhookVerificationResult Envelope(string message) =>
        WebhookVerificationResult.Rejected(WebhookRejectionReason.InvalidEnvelope, message);

    private static bool TryGetNonEmptyString(JsonElement root, string name, out string value)
    {
        value = string.Empty;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString() ?? string.Empty;
        return value.Length > 0;
    }
}
