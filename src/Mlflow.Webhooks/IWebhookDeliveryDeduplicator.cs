namespace Mlflow.Webhooks;

/// <summary>
/// De-duplicates verified deliveries by <see cref="VerifiedWebhookDelivery.DeliveryId"/>: MLflow retries a delivery
/// (on 429 and 5xx answers, or a timeout) with the same id, so a receiver that already handled it should not handle it again.
/// </summary>
/// <remarks>
/// Call <see cref="TryBeginAsync"/> before handling; when it returns true, call <see cref="EndAsync"/> afterwards with
/// whether the delivery was handled. A failed attempt (<c>handled: false</c>) must let a later retry through.
/// Implementations may be backed by a shared store (a database unique key, a distributed cache) when several
/// receiver instances share one URL.
/// </remarks>
public interface IWebhookDeliveryDeduplicator
{
    /// <summary>Claims a delivery; false when it was already handled or is being handled.</summary>
    /// <param name="delivery">The verified delivery.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>True when the caller should handle the delivery.</returns>
    ValueTask<bool> TryBeginAsync(VerifiedWebhookDelivery delivery, CancellationToken cancellationToken = default);

    /// <summary>Ends a claim made by <see cref="TryBeginAsync"/>.</summary>
    /// <param name="delivery">The delivery.</param>
    /// <param name="handled">True when the delivery was handled (remember it); false when handling failed (forget it, so a retry is handled).</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the claim is ended.</returns>
    ValueTask EndAsync(VerifiedWebhookDelivery delivery, bool handled, CancellationToken cancellationToken = default);
}
