namespace Mlflow.Webhooks;

/// <summary>Configuration of a <see cref="WebhookVerifier"/>; read once, when the verifier is constructed.</summary>
public sealed class WebhookVerifierOptions
{
    /// <summary>The default timestamp tolerance, 300 seconds (MLflow's documented recommendation).</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromSeconds(300);

    /// <summary>The default body size limit, 1 MiB.</summary>
    public const int DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>
    /// The webhook secrets (UTF-8, as given to MLflow). A signature made with any of them is accepted, so a
    /// secret can be rotated by adding the new one, updating the webhook in MLflow, then removing the old one.
    /// At least one non-empty secret is required.
    /// </summary>
    public IList<string> Secrets { get; set; } = new List<string>();

    /// <summary>How far the <see cref="WebhookHeaders.Timestamp"/> may be from the current time, in either direction. Default 300 s.</summary>
    public TimeSpan Tolerance { get; set; } = DefaultTolerance;

    /// <summary>The clock the timestamp is compared with. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The largest body accepted, in bytes. Default 1 MiB.</summary>
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>
    /// Decides which events are known and turns <c>data</c> into a <see cref="WebhookPayload"/> case. Default
    /// <see cref="DefaultWebhookPayloadReader.Instance"/> (the events of the spec, through the generated union).
    /// </summary>
    public IWebhookPayloadReader? PayloadReader { get; set; }
}
