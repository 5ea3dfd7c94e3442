namespace Mlflow;

/// <summary>One page of a paged MLflow list or search, as the server answered it.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items of this page (possibly none, even when more pages follow).</param>
/// <param name="NextPageToken">The token of the next page, or null on the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken)
{
    /// <summary>True when another page follows.</summary>
    public bool HasMore => NextPageToken is not null;
}
