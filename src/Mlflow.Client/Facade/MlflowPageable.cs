using System.Runtime.CompilerServices;

namespace Mlflow;

/// <summary>
/// The result of a paged MLflow search or list: enumerate it for the items (pages are requested as the enumeration
/// goes), or walk it page by page with <see cref="AsPages"/>, which gives each page's token for later use.
/// Nothing is sent until it is enumerated; each enumeration starts again from the first page (or the given token).
/// </summary>
/// <remarks>
/// <c>maxResults</c> on the method that returned it caps the total number of items, as <c>max_results</c> does in
/// MLflow's Python client, and is sent as the page size (the Python client sends it so); <see cref="AsPages"/>'s
/// <c>pageSizeHint</c> sets the page size on its own.
/// </remarks>
/// <typeparam name="T">The item type.</typeparam>
public sealed class MlflowPageable<T> : IAsyncEnumerable<T>
{
    private readonly string operationId;
    private readonly Func<string?, int?, CancellationToken, Task<Page<T>>> fetch;
    private readonly int? maxResults;
    private readonly string? startToken;
    private readonly int? defaultPageSize;
    private readonly CancellationToken methodCancellation;

    /// <summary>Creates a pageable over <paramref name="fetch"/> (token, page size, cancellation) -&gt; page.</summary>
    /// <param name="operationId">The MLflow operation, for messages.</param>
    /// <param name="fetch">Requests one page.</param>
    /// <param name="maxResults">The cap on the total number of items (null: no cap).</param>
    /// <param name="pageToken">The token to start from (null: the first page).</param>
    /// <param name="defaultPageSize">The page size sent when neither a cap nor a hint gives one (null: the server's default).</param>
    /// <param name="cancellationToken">Cancels every request of every enumeration (combined with the enumeration's own token).</param>
    public MlflowPageable(string operationId, Func<string?, int?, CancellationToken, Task<Page<T>>> fetch, int? maxResults = null, string? pageToken = null, int? defaultPageSize = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operationId);
        ArgumentNullException.ThrowIfNull(fetch);
        if (maxResults is < 0) throw new ArgumentOutOfRangeException(nameof(maxResults), maxResults, "maxResults cannot be negative.");
        this.operationId = operationId;
        this.fetch = fetch;
        this.maxResults = maxResults;
        startToken = string.IsNullOrEmpty(pageToken) ? null : pageToken;
        this.defaultPageSize = defaultPageSize;
        methodCancellation = cancellationToken;
    }

    /// <inheritdoc />
    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var yielded = 0;
        await foreach (var page in Walk(startToken, null, cancellationToken).ConfigureAwait(false))
        {
            foreach (var item in page.Items)
            {
                if (maxResults is int cap && yielded >= cap) yield break;
                yielded++;
                yield return item;
            }
        }
    }

    /// <summary>
    /// The pages, as the server answers them: each with its items and the token of the next page (keep the token
    /// to resume later with <paramref name="continuationToken"/>). The method's <c>maxResults</c> still bounds the
    /// total: no page is requested once it is reached.
    /// </summary>
    /// <param name="continuationToken">The token to start from (null: where the method started).</param>
    /// <param name="pageSizeHint">The page size to ask for (the server may cap it).</param>
    /// <returns>The pages.</returns>
    public IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        if (pageSizeHint is <= 0) throw new ArgumentOutOfRangeException(nameof(pageSizeHint), pageSizeHint, "pageSizeHint must be positive.");
        return Walk(string.IsNullOrEmpty(continuationToken) ? startToken : continuationToken, pageSizeHint, default);
    }

    /// <summary>Requests one page (for token-driven paging, e.g. behind a UI).</summary>
    /// <param name="pageToken">The page's token (null: where the method started).</param>
    /// <param name="pageSize">The page size to ask for (null: as the method would).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The page.</returns>
    public Task<Page<T>> GetPageAsync(string? pageToken = null, int? pageSize = null, CancellationToken cancellationToken = default)
    {
        if (pageSize is <= 0) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "pageSize must be positive.");
        using var linked = Link(cancellationToken);
        return fetch(string.IsNullOrEmpty(pageToken) ? startToken : pageToken, pageSize ?? maxResults ?? defaultPageSize, linked?.Token ?? Effective(cancellationToken));
    }

    private async IAsyncEnumerable<Page<T>> Walk(string? token, int? pageSizeHint, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = Link(cancellationToken);
        var ct = linked?.Token ?? Effective(cancellationToken);
        var seen = 0;
        var seenTokens = new HashSet<string>(StringComparer.Ordinal);
        if (token is not null) seenTokens.Add(token);
        while (true)
        {
            int? size = pageSizeHint ?? defaultPageSize;
            if (maxResults is int cap)
            {
                if (seen >= cap) yield break;
                size = Math.Min(size ?? int.MaxValue, cap - seen);
            }

            var page = await fetch(token, size, ct).ConfigureAwait(false);
            seen += page.Items.Count;
            yield return page;
            if (page.NextPageToken is null) yield break;
            if (!seenTokens.Add(page.NextPageToken))
            {
                throw new InvalidOperationException($"The server answered {operationId} with a page token it had already given; stopping instead of looping.");
            }

            token = page.NextPageToken;
        }
    }

    private CancellationToken Effective(CancellationToken enumeration) => enumeration.CanBeCanceled ? enumeration : methodCancellation;

    private CancellationTokenSource? Link(CancellationToken enumeration) =>
        enumeration.CanBeCanceled && methodCancellation.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(enumeration, methodCancellation) : null;
}
