namespace Mlflow.Testing.Server;

/// <summary>Webhooks: CRUD, the test endpoint, and deliveries on registry events (see <see cref="WebhookDispatcher"/>).</summary>
internal sealed partial class MlflowOperations
{
    /// <summary>The 15 valid (entity, action) pairs, as the CRUD API spells them.</summary>
    private static readonly HashSet<WebhookEventKey> ValidEvents =
    [
        new("REGISTERED_MODEL", "CREATED"), new("MODEL_VERSION", "CREATED"), new("MODEL_VERSION_TAG", "SET"), new("MODEL_VERSION_TAG", "DELETED"),
        new("MODEL_VERSION_ALIAS", "CREATED"), new("MODEL_VERSION_ALIAS", "DELETED"), new("PROMPT", "CREATED"), new("PROMPT_VERSION", "CREATED"),
        new("PROMPT_TAG", "SET"), new("PROMPT_TAG", "DELETED"), new("PROMPT_VERSION_TAG", "SET"), new("PROMPT_VERSION_TAG", "DELETED"),
        new("PROMPT_ALIAS", "CREATED"), new("PROMPT_ALIAS", "DELETED"), new("BUDGET_POLICY", "EXCEEDED"),
    ];

    private DocumentSet<WebhookEntity> Hooks => state.Documents<WebhookEntity>("webhook", h => h.Id);

    public override Task<ActionResult<G.CreateWebhookResponse>> CreateWebhookAsync(G.CreateWebhook body)
    {
        var name = MlflowError.Required(body.Name, "name");
        var url = ValidateUrl(MlflowError.Required(body.Url, "url"));
        if (body.Events is null || body.Events.Count == 0) throw MlflowError.MissingParameter("events");
        var events = ValidateEvents(body.Events);
        return Write(() =>
        {
            var now = Now();
            var hook = new WebhookEntity
            {
                Id = Guid.NewGuid().ToString("D"),
                Name = name,
                Description = body.Description,
                Url = url,
                Events = events,
                Secret = string.IsNullOrEmpty(body.Secret) ? null : body.Secret,
                Status = body.Status?.ToString() ?? "ACTIVE",
                CreationTimestamp = now,
                LastUpdatedTimestamp = now,
            };
            Hooks.Add(hook);
            return new G.CreateWebhookResponse { Webhook = ToDto(hook) };
        });
    }

    public override Task<ActionResult<G.ListWebhooksResponse>> ListWebhooksAsync(int? max_results, string? page_token)
    {
        var max = max_results ?? 100;
        if (max <= 0 || max > 1000)
            throw MlflowError.InvalidParameter($"Invalid value {max} for parameter 'max_results' supplied. It must be between 1 and 1000.");
        return Read(() =>
        {
            var ordered = Hooks.Values.OrderByDescending(h => h.CreationTimestamp).ThenBy(h => h.Id, StringComparer.Ordinal);
            var (page, next) = PageToken.Slice(ordered, page_token, max);
            return new G.ListWebhooksResponse { Webhooks = page.Select(ToDto).ToList(), Next_page_token = next };
        });
    }

    public override Task<ActionResult<G.GetWebhookResponse>> GetWebhookAsync(string webhook_id) =>
        Read(() => new G.GetWebhookResponse { Webhook = ToDto(FindHook(webhook_id)) });

    public override Task<ActionResult<G.UpdateWebhookResponse>> UpdateWebhookAsync(G.UpdateWebhook? body, string webhook_id)
    {
        body ??= new G.UpdateWebhook();
        var url = string.IsNullOrEmpty(body.Url) ? null : ValidateUrl(body.Url);
        var events = body.Events is { Count: > 0 } ? ValidateEvents(body.Events) : null;
        return Write(() =>
        {
            var hook = FindHook(webhook_id);
            if (!string.IsNullOrEmpty(body.Name)) hook.Name = body.Name;
            if (body.Description is not null) hook.Description = body.Description;
            if (url is not null) hook.Url = url;
            if (events is not null) hook.Events = events;
            if (!string.IsNullOrEmpty(body.Secret)) hook.Secret = body.Secret;
            if (body.Status is { } status) hook.Status = status.ToString();
            hook.LastUpdatedTimestamp = Now();
            Hooks.Touch(hook);
            return new G.UpdateWebhookResponse { Webhook = ToDto(hook) };
        });
    }

    public override Task<ActionResult<G.DeleteWebhookResponse>> DeleteWebhookAsync(G.DeleteWebhook? body, string webhook_id) => Write(() =>
    {
        if (!Hooks.Remove(webhook_id)) throw MlflowError.NotFound($"Webhook with ID {webhook_id} not found.");
        return new G.DeleteWebhookResponse();
    });

    /// <summary>Sends the spec's example payload for the event synchronously (even to a disabled or unsubscribed webhook, as MLflow does).</summary>
    public override async Task<ActionResult<G.TestWebhookResponse>> TestWebhookAsync(G.TestWebhook? body, string webhook_id)
    {
        var (target, wanted) = ReadNow(() =>
        {
            var hook = FindHook(webhook_id);
            var chosen = body?.Event is { } e ? new WebhookEventKey(e.Entity.ToString(), e.Action.ToString()) : hook.Events[0];
            return (new WebhookTarget(hook.Url, hook.Secret), chosen);
        });
        var entity = wanted.Entity.ToLowerInvariant();
        var action = wanted.Action.ToLowerInvariant();
        var example = WebhookExamples.For(entity, action)
            ?? throw MlflowError.InvalidParameter($"Invalid event: {entity}.{action}");
        var result = await webhooks.SendAsync(target, entity, action, example, http.HttpContext!.RequestAborted).ConfigureAwait(false);
        return new G.TestWebhookResponse
        {
            Result = new G.WebhookTestResult
            {
                Success = result.Success,
                Response_status = result.Status,
                Response_body = result.Body,
                Error_message = result.Error,
            },
        };
    }

    /// <summary>
    /// Queues deliveries of an event to every active webhook subscribed to it (called under the lock). They leave
    /// once the change is committed, and not at all if the request fails.
    /// </summary>
    private void Fire((string Entity, string Action) @event, JsonObject data)
    {
        var key = new WebhookEventKey(@event.Entity.ToUpperInvariant(), @event.Action.ToUpperInvariant());
        foreach (var hook in Hooks.Values.Where(h => h.Status == "ACTIVE" && h.Events.Contains(key)))
        {
            var target = new WebhookTarget(hook.Url, hook.Secret);
            var payload = data.DeepClone().AsObject();
            AfterCommit(() => webhooks.Enqueue(target, @event.Entity, @event.Action, payload));
        }
    }

    private WebhookEntity FindHook(string id) => Hooks.Find(id) ?? throw MlflowError.NotFound($"Webhook with ID {id} not found.");

    private static string ValidateUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) throw MlflowError.InvalidParameter($"Invalid webhook URL: '{url}'.");
        if (uri.Scheme is not ("http" or "https"))
            throw MlflowError.InvalidParameter($"Invalid webhook URL scheme: '{uri.Scheme}'. Allowed schemes are: http, https.");
        return url;
    }

    private static List<WebhookEventKey> ValidateEvents(IEnumerable<G.WebhookEventEntry> events)
    {
        var list = new List<WebhookEventKey>();
        foreach (var e in events)
        {
            var key = new WebhookEventKey(e.Entity.ToString(), e.Action.ToString());
            if (!ValidEvents.Contains(key))
                throw MlflowError.InvalidParameter($"Invalid webhook event: {key.Entity.ToLowerInvariant()}.{key.Action.ToLowerInvariant()}.");
            if (!list.Contains(key)) list.Add(key);
        }
        return list;
    }

    private static G.Webhook ToDto(WebhookEntity h) => new()
    {
        Webhook_id = h.Id,
        Name = h.Name,
        Description = h.Description,
        Url = h.Url,
        Events = h.Events
            .OrderBy(e => e.Entity, StringComparer.Ordinal).ThenBy(e => e.Action, StringComparer.Ordinal)
            .Select(e => new G.WebhookEventEntry { Entity = Enum.Parse<G.WebhookEntity>(e.Entity), Action = Enum.Parse<G.WebhookAction>(e.Action) })
            .ToList(),
        Status = Enum.Parse<G.WebhookStatus>(h.Status),
        Creation_timestamp = h.CreationTimestamp,
        Last_updated_timestamp = h.LastUpdatedTimestamp,
    };

    // ---------------------------------------------------------------- server

    public override Task<ActionResult<G.ServerInfo>> GetServerInfoAsync() =>
        Task.FromResult(new ActionResult<G.ServerInfo>(new G.ServerInfo { Store_type = state.IsPersistent ? "SqlStore" : "InMemory", Workspaces_enabled = false }));

    /// <summary>The liveness probe: the text <c>OK</c>, typed <c>text/html</c> as Flask does.</summary>
    public override Task<ActionResult<string>> HealthAsync() => Text("OK");

    /// <summary>The MLflow version this server imitates.</summary>
    public override Task<ActionResult<string>> GetServerVersionAsync() => Text(MlflowVersion);

    /// <summary>The MLflow release whose REST contract the spec (and so this server) describes.</summary>
    internal const string MlflowVersion = "3.11.2";

    private static Task<ActionResult<string>> Text(string content) =>
        Task.FromResult<ActionResult<string>>(new ContentResult { Content = content, ContentType = "text/html; charset=utf-8" });
}
