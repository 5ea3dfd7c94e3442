using System.Security.Cryptography;
using System.Text;
using Mlflow.Client.Models;

namespace Mlflow;

/// <summary>Datasets to record as run inputs, built from what a .NET program knows about them: a name and a source.</summary>
public static class MlflowDatasets
{
    /// <summary>The input tag MLflow reads as the dataset's role in the run (<c>training</c>, <c>validation</c>, ...).</summary>
    public const string ContextTag = "mlflow.data.context";

    /// <summary>
    /// A dataset named <paramref name="name"/> read from <paramref name="source"/> (a path or URI). The source type
    /// is taken from the URI scheme (<c>s3</c>, <c>gs</c>, <c>http</c>, ...; <c>local</c> for paths and <c>file:</c>)
    /// unless given; the digest, unless given, is the first 8 hex digits of the SHA-256 of the name and source (MLflow
    /// digests hash the data, which this helper does not read: pass the data's own hash when you have one).
    /// </summary>
    /// <param name="name">The dataset's name.</param>
    /// <param name="source">Where the data comes from.</param>
    /// <param name="digest">The data's digest, or null.</param>
    /// <param name="sourceType">The source type, or null to infer it.</param>
    /// <param name="schema">The dataset's schema as JSON, or null.</param>
    /// <param name="profile">The dataset's profile as JSON (row count, ...), or null.</param>
    /// <returns>The dataset; MLflow's dataset sources are stored as JSON (<c>{"uri": ...}</c>).</returns>
    public static Dataset FromSource(string name, string source, string? digest = null, string? sourceType = null, string? schema = null, string? profile = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(source);
        var type = sourceType ?? InferSourceType(source);
        digest ??= Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name + "\n" + source)))[..8];
        var json = new System.Text.Json.Nodes.JsonObject { ["uri"] = source }.ToJsonString();
        return new Dataset(name, digest, type, json, schema, profile);
    }

    private static string InferSourceType(string source)
    {
        var colon = source.IndexOf("://", StringComparison.Ordinal);
        if (colon <= 1) return "local";
        var scheme = source[..colon].ToLowerInvariant();
        return scheme switch
        {
            "file" => "local",
            "https" or "http" => "http",
            "hf" => "hugging_face",
            _ => scheme,
        };
    }
}
