namespace Mlflow.Deployments;

/// <summary>
/// Convenience members over the generated spec models (<c>Mlflow.Client.Models.Deployments*</c>) used by the typed
/// chat, completions and embeddings calls.
/// </summary>
public static class DeploymentsModelExtensions
{
    /// <param name="message">The message.</param>
    extension(DeploymentsChatMessage message)
    {
        /// <summary>
        /// The message content as text: the string content, or the <c>text</c> of its content parts joined; null when
        /// there is none.
        /// </summary>
        public string? ContentText => TextOf(message.Content);

        /// <summary>A message with a role (<c>system</c>, <c>user</c>, <c>assistant</c>, <c>tool</c>) and text content.</summary>
        /// <param name="role">The role.</param>
        /// <param name="content">The text content.</param>
        public static DeploymentsChatMessage Create(string role, string content) =>
            new() { Role = role, Content = new UntypedString(content) };

        /// <summary>A <c>user</c> message with text content.</summary>
        /// <param name="content">The text content.</param>
        public static DeploymentsChatMessage User(string content) => DeploymentsChatMessage.Create("user", content);

        /// <summary>A <c>system</c> message with text content.</summary>
        /// <param name="content">The text content.</param>
        public static DeploymentsChatMessage System(string content) => DeploymentsChatMessage.Create("system", content);

        /// <summary>An <c>assistant</c> message with text content.</summary>
        /// <param name="content">The text content.</param>
        public static DeploymentsChatMessage Assistant(string content) => DeploymentsChatMessage.Create("assistant", content);
    }

    /// <param name="response">The chat answer.</param>
    extension(DeploymentsChatResponse response)
    {
        /// <summary>Text content of the first choice's message, or null.</summary>
        public string? FirstContent => response.Choices is { Count: > 0 } c ? c[0].Message?.ContentText : null;
    }

    /// <param name="chunk">The chat chunk.</param>
    extension(DeploymentsChatChunk chunk)
    {
        /// <summary>Text the first choice adds, or null (e.g. on the final usage chunk).</summary>
        public string? ContentDelta => chunk.Choices is { Count: > 0 } c ? c[0].Delta?.Content : null;
    }

    /// <param name="response">The completions answer.</param>
    extension(DeploymentsCompletionsResponse response)
    {
        /// <summary>Text of the first choice, or null.</summary>
        public string? FirstText => response.Choices is { Count: > 0 } c ? c[0].Text : null;
    }

    /// <param name="chunk">The completions chunk.</param>
    extension(DeploymentsCompletionsChunk chunk)
    {
        /// <summary>Text the first choice adds, or null.</summary>
        public string? TextDelta => chunk.Choices is { Count: > 0 } c ? c[0].Text : null;
    }

    /// <param name="embedding">The embedding object.</param>
    extension(DeploymentsEmbeddingObject embedding)
    {
        /// <summary>The vector when the embedding is a list of numbers (not base64 text), else null.</summary>
        public IReadOnlyList<double>? Vector => embedding.Embedding is UntypedArray array ? NumbersOf(array) : null;
    }

    /// <param name="request">The embeddings request.</param>
    extension(DeploymentsEmbeddingsRequest request)
    {
        /// <summary>Embeddings of one text.</summary>
        /// <param name="text">The text.</param>
        public static DeploymentsEmbeddingsRequest ForText(string text) => new() { Input = new UntypedString(text) };

        /// <summary>Embeddings of a batch of texts.</summary>
        /// <param name="texts">The texts.</param>
        public static DeploymentsEmbeddingsRequest ForTexts(params string[] texts) => new() { Input = Texts(texts) };
    }

    /// <param name="request">The OpenAI-compatible embeddings request.</param>
    extension(DeploymentsOpenAiEmbeddingsRequest request)
    {
        /// <summary>Embeddings of one text from the endpoint <paramref name="model"/>.</summary>
        /// <param name="model">Endpoint name.</param>
        /// <param name="text">The text.</param>
        public static DeploymentsOpenAiEmbeddingsRequest ForText(string model, string text) =>
            new() { Model = model, Input = new UntypedString(text) };

        /// <summary>Embeddings of a batch of texts from the endpoint <paramref name="model"/>.</summary>
        /// <param name="model">Endpoint name.</param>
        /// <param name="texts">The texts.</param>
        public static DeploymentsOpenAiEmbeddingsRequest ForTexts(string model, params string[] texts) =>
            new() { Model = model, Input = Texts(texts) };
    }

    private static UntypedArray Texts(IEnumerable<string> texts) => new(texts.Select(t => (UntypedNode)new UntypedString(t)).ToList());

    private static string? TextOf(UntypedNode? content) => content switch
    {
        UntypedString s => s.GetValue(),
        UntypedArray parts => string.Concat(parts.GetValue().OfType<UntypedObject>()
            .Select(p => p.GetValue().TryGetValue("text", out var t) && t is UntypedString ts ? ts.GetValue() : null)),
        _ => null,
    };

    private static double[]? NumbersOf(UntypedArray array)
    {
        var values = new List<double>();
        foreach (var item in array.GetValue())
        {
            double? value = item switch
            {
                UntypedDouble d => d.GetValue(),
                UntypedFloat f => f.GetValue(),
                UntypedDecimal m => (double)m.GetValue(),
                UntypedLong l => l.GetValue(),
                UntypedInteger i => i.GetValue(),
                _ => null,
            };
            if (value is null)
            {
                return null;
            }

            values.Add(value.Value);
        }

        return values.ToArray();
    }
}
