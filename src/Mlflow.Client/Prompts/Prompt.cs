using Mlflow.Client.Models;

namespace Mlflow;

/// <summary>
/// A prompt of MLflow's prompt registry (Python: <c>mlflow.entities.model_registry.Prompt</c>). MLflow keeps prompts as
/// registered models tagged <c>mlflow.prompt.is_prompt = true</c>; the reserved tags are not in <see cref="Tags"/>.
/// </summary>
/// <param name="Name">The prompt's name.</param>
/// <param name="Description">Its description, if any.</param>
/// <param name="Tags">Its tags (without MLflow's reserved ones).</param>
/// <param name="Aliases">Alias -&gt; version number.</param>
/// <param name="CreationTimestamp">When it was created (milliseconds since the Unix epoch).</param>
/// <param name="LastUpdatedTimestamp">When it last changed (milliseconds since the Unix epoch).</param>
public sealed record Prompt(
    string Name,
    string? Description,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyDictionary<string, string> Aliases,
    long CreationTimestamp,
    long LastUpdatedTimestamp)
{
    internal static Prompt From(RegisteredModel model) => new(
        model.Name,
        string.IsNullOrEmpty(model.Description) ? null : model.Description,
        PromptTags.UserTags(model.Tags.Select(t => (t.Key, t.Value))),
        model.Aliases.ToDictionary(a => a.Alias, a => a.Version, StringComparer.Ordinal),
        model.CreationTimestamp,
        model.LastUpdatedTimestamp);
}

/// <summary>
/// One version of a prompt (Python: <c>PromptVersion</c>): its template, text (<c>Hello {{name}}</c>) or chat (a JSON
/// list of messages), and the metadata logged with it. Its URI is <c>prompts:/name/version</c>.
/// </summary>
/// <param name="Name">The prompt's name.</param>
/// <param name="Version">The version number MLflow assigned.</param>
/// <param name="Template">The template as stored (for chat prompts, the JSON text of the messages).</param>
/// <param name="IsChat">True for a chat prompt (a list of role/content messages).</param>
/// <param name="Description">The version's description (commit message), if any.</param>
/// <param name="Tags">The version's tags and metadata (without MLflow's reserved ones).</param>
/// <param name="Aliases">The aliases pointing at this version.</param>
/// <param name="CreationTimestamp">When it was created (milliseconds since the Unix epoch).</param>
public sealed record PromptVersion(
    string Name,
    string Version,
    string Template,
    bool IsChat,
    string? Description,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<string> Aliases,
    long CreationTimestamp)
{
    /// <summary>The prompt's URI, <c>prompts:/name/version</c>.</summary>
    public string Uri => $"prompts:/{Name}/{Version}";

    /// <summary>The template's variables, <c>{{name}}</c> style, in order of first appearance.</summary>
    public IReadOnlyList<string> Variables => PromptTags.Variables(Template);

    /// <summary>
    /// The template with <c>{{variable}}</c> placeholders replaced (Python: <c>PromptVersion.format</c>); for a chat
    /// prompt, the replacement is done in the message text and the JSON stays JSON.
    /// </summary>
    /// <param name="values">Variable -&gt; value.</param>
    /// <returns>The formatted template.</returns>
    /// <exception cref="ArgumentException">A variable of the template has no value.</exception>
    public string Format(IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var missing = Variables.Where(v => !values.ContainsKey(v)).ToList();
        if (missing.Count > 0) throw new ArgumentException($"No value for the template variable(s) {string.Join(", ", missing)}.", nameof(values));
        return PromptTags.Substitute(Template, values, IsChat);
    }

    internal static PromptVersion From(ModelVersion version)
    {
        var tags = version.Tags.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        tags.TryGetValue(PromptTags.Text, out var template);
        tags.TryGetValue(PromptTags.Type, out var type);
        return new PromptVersion(
            version.Name,
            version.Version,
            template ?? "",
            type == "chat",
            string.IsNullOrEmpty(version.Description) ? null : version.Description,
            PromptTags.UserTags(tags.Select(t => (t.Key, t.Value))),
            version.Aliases,
            version.CreationTimestamp);
    }
}

/// <summary>MLflow's reserved prompt tags and the template helpers.</summary>
internal static class PromptTags
{
    public const string IsPrompt = "mlflow.prompt.is_prompt";
    public const string Text = "mlflow.prompt.text";
    public const string Type = "_mlflow_prompt_type";
    public const string PromptFilter = "tags.`mlflow.prompt.is_prompt` = 'true'";
    private static readonly System.Text.RegularExpressions.Regex Placeholder = new(@"\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    public static IReadOnlyDictionary<string, string> UserTags(IEnumerable<(string Key, string Value)> tags) =>
        tags.Where(t => t.Key != IsPrompt && t.Key != Text && t.Key != Type && !t.Key.StartsWith("_mlflow_", StringComparison.Ordinal))
            .ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);

    public static IReadOnlyList<string> Variables(string template) =>
        Placeholder.Matches(template).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    public static string Substitute(string template, IReadOnlyDictionary<string, string> values, bool json) =>
        Placeholder.Replace(template, m =>
        {
            var value = values[m.Groups[1].Value];
            // In a chat template the text sits inside JSON strings: keep it valid JSON.
            return json ? System.Text.Json.JsonEncodedText.Encode(value, System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString() : value;
        });
}
