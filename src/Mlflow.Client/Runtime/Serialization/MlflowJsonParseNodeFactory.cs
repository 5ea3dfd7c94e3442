using System.Text.Json;
using Microsoft.Kiota.Abstractions.Serialization;

namespace Mlflow.Client.Serialization;

/// <summary>
/// Parse node factory for <c>application/json</c> answers: the same reading rules as Kiota's
/// <c>JsonParseNodeFactory</c>, over the parsed document itself (no copy of it), with values read straight from
/// the document. The document's pooled buffers go back to the pool once the root object has been read.
/// </summary>
internal sealed class MlflowJsonParseNodeFactory : IParseNodeFactory
{
    // Trace spans nest deeply: each JSON level of a span input is three levels of OTLP AnyValue in MLflow's answer.
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 512 };

    /// <summary>The content type this factory reads.</summary>
    public string ValidContentType => "application/json";

    /// <summary>Reads the whole stream and returns its root node; a body that is not JSON is an <see cref="MlflowProtocolException"/>.</summary>
    public async Task<IParseNode> GetRootParseNodeAsync(string? contentType, Stream content, CancellationToken cancellationToken = default)
    {
        Validate(contentType, content);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(content, DocumentOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            // Cut off, corrupt, not UTF-8, or nested deeper than MaxDepth: not an answer MLflow writes.
            var message = $"The server's answer is not valid JSON ({contentType}): {ex.Message} An MLflow server writes complete JSON; "
                + "a proxy in front of it, or a connection that lost bytes, changed the answer.";
            throw new MlflowProtocolException(message, MlflowProtocolException.Details(message, contentType), ex);
        }

        return new MlflowJsonParseNode(document.RootElement, document);
    }

    private void Validate(string? contentType, Stream content)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            throw new ArgumentNullException(nameof(contentType));
        }

        if (!ValidContentType.Equals(contentType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentOutOfRangeException($"expected a {ValidContentType} content type");
        }

        _ = content ?? throw new ArgumentNullException(nameof(content));
    }
}
