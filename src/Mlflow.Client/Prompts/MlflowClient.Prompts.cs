using Mlflow.Client.Models;

namespace Mlflow;

/// <summary>
/// The prompt registry in the vocabulary of Python's <c>MlflowClient</c> (<c>create_prompt</c>, <c>register_prompt</c>,
/// <c>get_prompt</c>, <c>search_prompts</c>). MLflow 3.11 keeps prompts in the model registry: a prompt is a registered
/// model tagged <c>mlflow.prompt.is_prompt = true</c>, each version a model version carrying its template in the tag
/// <c>mlflow.prompt.text</c> and its type (<c>text</c> or <c>chat</c>) in <c>_mlflow_prompt_type</c>. Hand-written: each
/// call composes registry calls.
/// </summary>
public sealed partial class MlflowClient
{
    private const string PromptSource = "prompt-template";

    /// <summary>
    /// Creates a prompt and its first version (Python: <c>create_prompt</c>). Fails with
    /// <see cref="MlflowAlreadyExistsException"/> when a prompt or registered model of that name exists; use
    /// <see cref="RegisterPromptAsync"/> to add a version to an existing prompt.
    /// </summary>
    /// <param name="name">The prompt's name (as a registered model name).</param>
    /// <param name="prompt">The template: text with <c>{{variable}}</c> placeholders, or the JSON text of a list of chat messages (<c>[{"role": "system", "content": "..."}]</c>).</param>
    /// <param name="tags">Tags of the prompt.</param>
    /// <param name="description">Description of the prompt (and of its first version).</param>
    /// <param name="metadata">Metadata of the first version, stored as its tags.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The first version.</returns>
    /// <exception cref="ArgumentException">An empty name or template, or a reserved tag; nothing is sent.</exception>
    public async Task<PromptVersion> CreatePromptAsync(
        string name, string prompt, IReadOnlyDictionary<string, string>? tags = null, string? description = null,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        CheckPrompt(name, prompt, tags, metadata);
        await CreateRegisteredModelAsync(name, PromptModelTags(tags), description, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await CreatePromptVersionAsync(name, prompt, description, metadata, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Registers a new version of a prompt, creating the prompt when it does not exist yet (Python:
    /// <c>register_prompt</c>). MLflow numbers the versions itself (1, 2, ...).
    /// </summary>
    /// <param name="prompt">The template (text with <c>{{variable}}</c> placeholders, or chat messages as JSON).</param>
    /// <param name="name">The prompt's name.</param>
    /// <param name="tags">Tags of the prompt, set when the prompt is created.</param>
    /// <param name="description">Description (commit message) of the new version.</param>
    /// <param name="metadata">Metadata of the new version, stored as its tags.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The new version.</returns>
    /// <exception cref="ArgumentException">An empty name or template, or a reserved tag; nothing is sent.</exception>
    /// <exception cref="MlflowException">A registered model of that name exists and is not a prompt, or MLflow answered an error.</exception>
    public async Task<PromptVersion> RegisterPromptAsync(
        string prompt, string name, IReadOnlyDictionary<string, string>? tags = null, string? description = null,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        CheckPrompt(name, prompt, tags, metadata);
        var existing = await TryGetRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            try
            {
                await CreateRegisteredModelAsync(name, PromptModelTags(tags), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (MlflowAlreadyExistsException)
            {
                // Created in between by another caller: add the version to it.
            }
        }
        else if (!existing.Tags.Any(t => t.Key == PromptTags.IsPrompt && t.Value == "true"))
        {
            throw new MlflowException($"Registered model '{name}' exists and is not a prompt.", MlflowErrorCode.InvalidParameterValue);
        }

        return await CreatePromptVersionAsync(name, prompt, description, metadata, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A version of a prompt (Python: <c>get_prompt</c>): the given version number, the version an alias points at
    /// (<c>@production</c>), or the latest when <paramref name="version"/> is null. Null when there is no such prompt or
    /// version (Python returns None).
    /// </summary>
    /// <param name="name">The prompt's name.</param>
    /// <param name="version">A version number, <c>@alias</c>, or null for the latest.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The version, or null.</returns>
    /// <exception cref="MlflowException">The name is a registered model that is not a prompt, or MLflow answered an error other than not-found.</exception>
    public async Task<PromptVersion?> GetPromptAsync(string name, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ModelVersion? found;
        if (version is null)
        {
            var model = await TryGetRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
            if (model is null) return null;
            RequirePrompt(model);
            found = model.LatestVersions.OrderByDescending(v => long.TryParse(v.Version, out var n) ? n : -1).FirstOrDefault();
        }
        else if (version.StartsWith('@'))
        {
            found = await TryGetModelVersionByAliasAsync(name, version[1..], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            found = await TryGetModelVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
        }

        if (found is null) return null;
        if (!found.Tags.Any(t => t.Key == PromptTags.Text))
        {
            throw new MlflowException($"Model version {found.Version} of '{name}' is not a prompt version.", MlflowErrorCode.InvalidParameterValue);
        }

        return PromptVersion.From(found);
    }

    /// <summary>
    /// The prompts matching a filter (Python: <c>search_prompts</c>): registered-model search restricted to prompts.
    /// </summary>
    /// <param name="filterString">An MLflow registered-model filter (<c>name LIKE 'qa-%'</c>, <c>tags.team = 'ds'</c>); the client adds the prompt condition.</param>
    /// <param name="maxResults">The most prompts to return in total (null: all), sent as the page size.</param>
    /// <param name="orderBy">Order clauses such as <c>name ASC</c>.</param>
    /// <param name="pageToken">The page to start from, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    /// <returns>The prompts, as a pageable sequence.</returns>
    public MlflowPageable<Prompt> SearchPromptsAsync(
        string? filterString = null, int? maxResults = null, IEnumerable<string>? orderBy = null, string? pageToken = null,
        CancellationToken cancellationToken = default)
    {
        var filter = string.IsNullOrWhiteSpace(filterString) ? PromptTags.PromptFilter : filterString + " AND " + PromptTags.PromptFilter;
        var order = orderBy?.ToArray();
        return new MlflowPageable<Prompt>(
            "searchRegisteredModels",
            async (token, size, ct) =>
            {
                var response = await Api.Api.V20.Mlflow.RegisteredModels.Search.GetAsync(r =>
                {
                    r.QueryParameters.Filter = filter;
                    r.QueryParameters.MaxResults = size;
                    r.QueryParameters.OrderBy = order;
                    r.QueryParameters.PageToken = token;
                }, ct).ConfigureAwait(false);
                return new Page<Prompt>(
                    (response?.RegisteredModels ?? []).Select(Prompt.From).ToList(),
                    FacadeSupport.Token(response?.NextPageToken));
            },
            maxResults,
            pageToken,
            cancellationToken: cancellationToken);
    }

    private async Task<PromptVersion> CreatePromptVersionAsync(string name, string prompt, string? description, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PromptTags.IsPrompt] = "true",
            [PromptTags.Text] = prompt,
            [PromptTags.Type] = IsChatTemplate(prompt) ? "chat" : "text",
        };
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>()) tags[key] = value;
        var version = await CreateModelVersionAsync(name, PromptSource, tags: tags, description: description, cancellationToken: cancellationToken).ConfigureAwait(false);
        return PromptVersion.From(version);
    }

    private static Dictionary<string, string> PromptModelTags(IReadOnlyDictionary<string, string>? tags)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal) { [PromptTags.IsPrompt] = "true" };
        foreach (var (key, value) in tags ?? new Dictionary<string, string>()) all[key] = value;
        return all;
    }

    private static void CheckPrompt(string name, string prompt, IReadOnlyDictionary<string, string>? tags, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(prompt);
        foreach (var key in (tags?.Keys ?? []).Concat(metadata?.Keys ?? []))
        {
            if (key == PromptTags.IsPrompt || key == PromptTags.Text || key == PromptTags.Type)
            {
                throw new ArgumentException($"The tag '{key}' is reserved by MLflow's prompt registry.", key == PromptTags.IsPrompt ? nameof(tags) : nameof(metadata));
            }
        }
    }

    private static void RequirePrompt(RegisteredModel model)
    {
        if (!model.Tags.Any(t => t.Key == PromptTags.IsPrompt && t.Value == "true"))
        {
            throw new MlflowException($"Registered model '{model.Name}' is not a prompt.", MlflowErrorCode.InvalidParameterValue);
        }
    }

    /// <summary>A chat template is the JSON text of a list of messages with roles.</summary>
    private static bool IsChatTemplate(string template)
    {
        var trimmed = template.TrimStart();
        if (!trimmed.StartsWith('[')) return false;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(trimmed);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array
                && doc.RootElement.EnumerateArray().All(m => m.ValueKind == System.Text.Json.JsonValueKind.Object && m.TryGetProperty("role", out _));
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}
