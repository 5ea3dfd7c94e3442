using System.Diagnostics.CodeAnalysis;

namespace Mlflow.Webhooks;

/// <summary>The outcome of <see cref="WebhookVerifier.Verify"/>: a verified delivery or a typed rejection.</summary>
/// <remarks><see cref="Message"/> never contains a secret, an expected signature or a header value.</remarks>
public sealed class WebhookVerificationResult
{
    private WebhookVerificationResult(VerifiedWebhookDelivery? delivery, WebhookRejectionReason reason, string? message, string? headerName)
    {
        Delivery = delivery;
        Reason = reason;
        Message = message;
        HeaderName = headerName;
    }

    /// <summary>True when the delivery verified; <see cref="Delivery"/> is then set.</summary>
    [MemberNotNullWhen(true, nameof(Delivery))]
    public bool IsVerified => Delivery is not null;

    /// <summary>The verified delivery, or null when rejected.</summary>
    public VerifiedWebhookDelivery? Delivery { get; }

    /// <summary>Why the delivery was rejected; <see cref="WebhookRejectionReason.None"/> when it verified.</summary>
    public WebhookRejectionReason Reason { get; }

    /// <summary>A short description of the rejection, safe to log and to send back; null when verified.</summary>
    public string? Message { get; }

    /// <summary>For <see cref="WebhookRejectionReason.MissingHeader"/> and <see cref="WebhookRejectionReason.MalformedHeader"/>: the header concerned.</summary>
    public string? HeaderName { get; }

    /// <summary>Creates a successful result.</summary>
    internal static WebhookVerificationResult Verified(VerifiedWebhookDelivery delivery) => new(delivery, WebhookRejectionReason.None, null, null);

    /// <summary>Creates a rejection.</summary>
    /// <param name="reason">The reason; not <see cref="WebhookRejectionReason.None"/>.</param>
    /// <param name="message">A description that contains no secret and no header value.</param>
    /// <param name="headerName">The header concerned, if any.</param>
    /// <returns>The rejection.</returns>
    public static WebhookVerificationResult Rejected(WebhookRejectionReason reason, string message, string? headerName = null)
    {
        if (reason == WebhookRejectionReason.None)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), "A rejection needs a reason.");
        }

        ArgumentNullException.ThrowIfNull(message);
        return new(null, reason, message, headerName);
    }

    /// <inheritdoc />
    public override string ToString() => IsVerified ? $"verified: {Delivery}" : $"rejected ({Reason.ToCode()}): {Message}";
}
