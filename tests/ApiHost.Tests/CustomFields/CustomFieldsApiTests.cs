using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scheduling.ApiHost.Tests.Harness;

namespace Scheduling.ApiHost.Tests.CustomFields;

public abstract class CustomFieldsApiTests<TStorage>(TStorage storage) : ApiTestBase<TStorage>(storage)
    where TStorage : ApiStorage
{
    [Fact]
    public async Task CreateReturnsTheFieldWithItsIdAndTheReferenceDefaults()
    {
        var tenant = await SignUpAsync();

        var created = await tenant.PostJsonAsync("/api/v2/customfield", new { label = "How did you hear about us?" });

        Assert.Equal((200, 0), (created.HttpStatus, created.StatusCode));
        var data = created.Data;
        Assert.Equal(JsonValueKind.Number, data.GetProperty("id").ValueKind);
        Assert.Equal(tenant.CompanyId, data.GetProperty("company_id").GetInt64());
        Assert.Equal(["id", "company_id", "label", "length", "type", "required", "ord", "status", "visibility", "readonly", "removable", "readonly_type", "hint", "options", "multiselect"],
            data.EnumerateObject().Select(p => p.Name));
        Assert.Equal("How did you hear about us?", data.GetProperty("label").GetString());
        Assert.Equal((0, 0, 1, 0), (data.GetProperty("type").GetInt32(), data.GetProperty("length").GetInt32(), data.GetProperty("visibility").GetInt32(), data.GetProperty("multiselect").GetInt32()));
        Assert.True(data.GetProperty("status").GetBoolean());
        Assert.False(data.GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task AFieldIsReadBackByIdAsAOneItemList()
    {
        var tenant = await SignUpAsync();
        var id = await CreateAsync(tenant, new { label = "Size", type = 7, options = "Small|Large", multiselect = 1, required = true });

        var read = await tenant.GetAsync($"/api/v2/customfield/{id}");

        Assert.Equal(0, read.StatusCode);
        var field = Assert.Single(read.Data.EnumerateArray().ToList());
        Assert.Equal(id, field.GetProperty("id").GetInt64());
        Assert.Equal(("Small|Large", 1, true), (field.GetProperty("options").GetString(), field.GetProperty("multiselect").GetInt32(), field.GetProperty("required").GetBoolean()));
    }

    [Fact]
    public async Task EveryRequestFormCreatesAFieldWithLenientScalars()
    {
        var tenant = await SignUpAsync();

        var bare = await tenant.PostJsonAsync("/api/v2/customfield", new { label = "Bare", type = "3", required = "1" });
        var wrapped = await tenant.PostJsonAsync("/api/v2/customfield", new { data = new { label = "Wrapped", visibility = "3" } });
        var form = await tenant.PostFormAsync("/api/v2/customfield", new { label = "Form", required = true });
        var query = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/customfield?label=Query&type=1&status=0", null));

        Assert.Equal((3, true), (bare.Data.GetProperty("type").GetInt32(), bare.Data.GetProperty("required").GetBoolean()));
        Assert.Equal(3, wrapped.Data.GetProperty("visibility").GetInt32());
        Assert.True(form.Data.GetProperty("required").GetBoolean());
        Assert.Equal((1, false), (query.Data.GetProperty("type").GetInt32(), query.Data.GetProperty("status").GetBoolean()));
        var list = await tenant.GetAsync("/api/v2/customfield");
        Assert.Equal(["Bare", "Wrapped", "Form", "Query"], Labels(list));
    }

    [Fact]
    public async Task TheListIsInFormOrderAndFiltersByTheReferenceAttributes()
    {
        var tenant = await SignUpAsync();
        var phone = await CreateAsync(tenant, new { label = "Phone", type = 2, required = true, ord = 2 });
        await CreateAsync(tenant, new { label = "Size", type = 7, options = "S|M", ord = 1 });
        await CreateAsync(tenant, new { label = "Company", type = 0, visibility = 2, ord = 3, hint = "Where you work" });

        Assert.Equal(["Size", "Phone", "Company"], Labels(await tenant.GetAsync("/api/v2/customfield")));
        Assert.Equal(["Size"], Labels(await tenant.GetAsync("/api/v2/customfield?type=7")));
        Assert.Equal(["Phone"], Labels(await tenant.GetAsync("/api/v2/customfield?required=1")));
        Assert.Equal(["Phone"], Labels(await tenant.GetAsync($"/api/v2/customfield?id={phone}")));
        Assert.Equal(["Company"], Labels(await tenant.GetAsync("/api/v2/customfield?label=company&visibility=2")));
        Assert.Equal(["Company"], Labels(await tenant.GetAsync("/api/v2/customfield?hint=Where%20you%20work")));
        Assert.Empty(Labels(await tenant.GetAsync("/api/v2/customfield?type=7&required=1")));
        // The reference's sample sends every filter; empty ones filter nothing.
        Assert.Equal(3, Labels(await tenant.GetAsync("/api/v2/customfield?label=&hint=&type=")).Count);
    }

    [Fact]
    public async Task TheListPagesWithStartAndEnd()
    {
        var tenant = await SignUpAsync();
        foreach (var label in new[] { "A", "B", "C", "D" })
        {
            await CreateAsync(tenant, new { label });
        }

        Assert.Equal(["B", "C"], Labels(await tenant.GetAsync("/api/v2/customfield?start=1&end=3")));
        Assert.Equal(["C", "D"], Labels(await tenant.GetAsync("/api/v2/customfield?start=2&end=all")));
        Assert.Equal("start: must be 0 or more", (await tenant.GetAsync("/api/v2/customfield?start=-1")).StatusDescriptions);
    }

    [Fact]
    public async Task AnUpdateChangesOnlyTheGivenAttributes()
    {
        var tenant = await SignUpAsync();
        var id = await CreateAsync(tenant, new { label = "Phone", type = 2, required = true, hint = "Mobile preferred" });

        var updated = await tenant.PutJsonAsync($"/api/v2/customfield/{id}", new { label = "Mobile phone", company_id = tenant.CompanyId });

        Assert.Equal(0, updated.StatusCode);
        var read = (await tenant.GetAsync($"/api/v2/customfield/{id}")).Data[0];
        Assert.Equal(("Mobile phone", 2, true, "Mobile preferred"),
            (read.GetProperty("label").GetString(), read.GetProperty("type").GetInt32(), read.GetProperty("required").GetBoolean(), read.GetProperty("hint").GetString()));
    }

    [Fact]
    public async Task TurningAFieldIntoADropdownNeedsOptions()
    {
        var tenant = await SignUpAsync();
        var id = await CreateAsync(tenant, new { label = "Size" });

        var refused = await tenant.PutJsonAsync($"/api/v2/customfield/{id}", new { type = 7 });

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("options:", refused.StatusDescriptions);
        Assert.Equal(0, (await tenant.GetAsync($"/api/v2/customfield/{id}")).Data[0].GetProperty("type").GetInt32());
    }

    [Fact]
    public async Task DeleteRemovesTheFieldAndASecondDeleteIsNotFound()
    {
        var tenant = await SignUpAsync();
        var id = await CreateAsync(tenant, new { label = "Temporary" });

        var deleted = await tenant.DeleteAsync($"/api/v2/customfield/{id}");
        var again = await tenant.DeleteAsync($"/api/v2/customfield/{id}");

        Assert.Equal((200, 0, JsonValueKind.Object), (deleted.HttpStatus, deleted.StatusCode, deleted.Data.ValueKind));
        Assert.Equal((404, 7), (again.HttpStatus, again.StatusCode));
        Assert.Equal((404, 7), ((await tenant.GetAsync($"/api/v2/customfield/{id}")).HttpStatus, (await tenant.GetAsync($"/api/v2/customfield/{id}")).StatusCode));
        Assert.Empty(Labels(await tenant.GetAsync("/api/v2/customfield")));
    }

    [Theory]
    [InlineData("""{"type":0}""", "label")]
    [InlineData("""{"label":"   "}""", "label")]
    [InlineData("""{"label":"A","type":9}""", "type")]
    [InlineData("""{"label":"A","type":"text"}""", "type")]
    [InlineData("""{"label":"A","visibility":4}""", "visibility")]
    [InlineData("""{"label":"A","length":"long"}""", "length")]
    [InlineData("""{"label":"A","length":10001}""", "length")]
    [InlineData("""{"label":"A","required":"maybe"}""", "required")]
    [InlineData("""{"label":"A","multiselect":2}""", "multiselect")]
    [InlineData("""{"label":"A","ord":-1}""", "ord")]
    [InlineData("""{"label":"A","hint":{"text":"x"}}""", "hint")]
    [InlineData("""{"label":"A","type":7}""", "options")]
    [InlineData("""{"label":"A","type":7,"options":"X||Y"}""", "options")]
    public async Task ABadAttributeIsRefusedNamingIt(string body, string field)
    {
        var tenant = await SignUpAsync();

        var refused = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/customfield", new StringContent(body, Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(field + ":", refused.StatusDescriptions);
        Assert.Empty(Labels(await tenant.GetAsync("/api/v2/customfield")));
    }

    [Fact]
    public async Task OversizedTextsAreRefusedNamingTheField()
    {
        var tenant = await SignUpAsync();

        var label = await tenant.PostJsonAsync("/api/v2/customfield", new { label = new string('x', 256) });
        var hint = await tenant.PostJsonAsync("/api/v2/customfield", new { label = "A", hint = new string('x', 1001) });

        Assert.Equal("label: longer than 255 characters", label.StatusDescriptions);
        Assert.Equal("hint: longer than 1000 characters", hint.StatusDescriptions);
    }

    [Fact]
    public async Task MalformedJsonIsRefusedAsABadBody()
    {
        var tenant = await SignUpAsync();

        var refused = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/customfield", new StringContent("{\"label\": ", Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("body:", refused.StatusDescriptions);
    }

    [Fact]
    public async Task AMalformedIdIsRefusedAndAnUnknownOneIsNotFound()
    {
        var tenant = await SignUpAsync();

        var malformed = new[]
        {
            await tenant.GetAsync("/api/v2/customfield/abc"),
            await tenant.PutJsonAsync("/api/v2/customfield/-3", new { label = "x" }),
            await tenant.DeleteAsync("/api/v2/customfield/1.5"),
        };
        var unknown = new[]
        {
            await tenant.GetAsync("/api/v2/customfield/987654321"),
            await tenant.PutJsonAsync("/api/v2/customfield/987654321", new { label = "x" }),
            await tenant.DeleteAsync("/api/v2/customfield/987654321"),
        };

        Assert.All(malformed, e => Assert.Equal((400, 1, true), (e.HttpStatus, e.StatusCode, e.StatusDescriptions.StartsWith("id:", StringComparison.Ordinal))));
        Assert.All(unknown, e => Assert.Equal((404, 7), (e.HttpStatus, e.StatusCode)));
    }

    [Fact]
    public async Task BulkSaveCreatesAndModifiesInOneGo()
    {
        var tenant = await SignUpAsync();
        var phone = await CreateAsync(tenant, new { label = "Phone", type = 2 });

        var saved = await tenant.PostJsonAsync("/api/v2/customfield/bulksave", new object[]
        {
            new { label = "Address", type = 5 },
            new { id = phone, required = true },
            new { id = "0", label = "Notes", type = 1 },
        });

        Assert.Equal(0, saved.StatusCode);
        var items = saved.Data.EnumerateArray().ToList();
        Assert.Equal(["Address", "Phone", "Notes"], items.Select(i => i.GetProperty("label").GetString()));
        Assert.Equal(phone, items[1].GetProperty("id").GetInt64());
        Assert.True(items[1].GetProperty("required").GetBoolean());
        Assert.Equal(["Phone", "Address", "Notes"], Labels(await tenant.GetAsync("/api/v2/customfield")));
    }

    [Fact]
    public async Task BulkSaveWithOneBadItemSavesNothingAndNamesTheItem()
    {
        var tenant = await SignUpAsync();
        var phone = await CreateAsync(tenant, new { label = "Phone" });

        var refused = await tenant.PostJsonAsync("/api/v2/customfield/bulksave", new object[]
        {
            new { id = phone, label = "Changed" },
            new { label = "Fine" },
            new { label = "Size", type = 7 },
        });
        var badType = await tenant.PostJsonAsync("/api/v2/customfield/bulksave", new object[] { new { label = "Fine" }, new { label = "Bad", type = 12 } });

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith("[2].options:", refused.StatusDescriptions);
        Assert.StartsWith("[1].type:", badType.StatusDescriptions);
        Assert.Equal(["Phone"], Labels(await tenant.GetAsync("/api/v2/customfield")));
    }

    [Fact]
    public async Task BulkSaveNamingTheSameFieldTwiceSavesNothing()
    {
        var tenant = await SignUpAsync();
        var phone = await CreateAsync(tenant, new { label = "Phone" });

        var refused = await tenant.PostJsonAsync("/api/v2/customfield/bulksave", new object[] { new { id = phone, label = "A" }, new { id = phone, label = "B" } });

        Assert.StartsWith("[1].id:", refused.StatusDescriptions);
        Assert.Equal(["Phone"], Labels(await tenant.GetAsync("/api/v2/customfield")));
    }

    [Fact]
    public async Task BulkSaveTakesDataWrappedAndFormBodies()
    {
        var tenant = await SignUpAsync();

        var wrapped = await tenant.PostJsonAsync("/api/v2/customfield/bulksave", new { data = new object[] { new { label = "One" } } });
        var form = await tenant.PostFormAsync("/api/v2/customfield/bulksave", new object[] { new { label = "Two" }, new { label = "Three" } });

        Assert.Equal((0, 0), (wrapped.StatusCode, form.StatusCode));
        Assert.Equal(["One", "Two", "Three"], Labels(await tenant.GetAsync("/api/v2/customfield")));
    }

    [Theory]
    [InlineData("""{"label":"not an array"}""", "body:")]
    [InlineData("""[]""", "body:")]
    [InlineData("""["label"]""", "[0]:")]
    [InlineData("""[{"label":"A"},{"id":"x","label":"B"}]""", "[1].id:")]
    [InlineData("""[{"label":"A"},{"id":-4,"label":"B"}]""", "[1].id:")]
    [InlineData("""[{"label":"A"},{"type":1}]""", "[1].label:")]
    public async Task BulkSaveOfSomethingElseThanFieldsIsRefused(string body, string prefix)
    {
        var tenant = await SignUpAsync();

        var refused = await Envelope.ReadAsync(await tenant.Client.PostAsync("/api/v2/customfield/bulksave", new StringContent(body, Encoding.UTF8, "application/json")));

        Assert.Equal((400, 1), (refused.HttpStatus, refused.StatusCode));
        Assert.StartsWith(prefix, refused.StatusDescriptions);
        Assert.Empty(Labels(await tenant.GetAsync("/api/v2/customfield")));
    }

    [Fact]
    public async Task ACompanyHasAtMostTwoHundredFields()
    {
        var tenant = await SignUpAsync();
        var full = await tenant.PostJsonAsync("/api/v2/customfield/bulksave", Enumerable.Range(1, 200).Select(i => new { label = $"Field {i}" }).ToArray());

        var refused = await tenant.PostJsonAsync("/api/v2/customfield", new { label = "One too many" });

        Assert.Equal(0, full.StatusCode);
        Assert.Equal((403, 11), (refused.HttpStatus, refused.StatusCode));
        Assert.Equal(200, Labels(await tenant.GetAsync("/api/v2/customfield?end=all")).Count);
    }

    [Fact]
    public async Task AnotherTenantCannotSeeOrChangeTheFields()
    {
        var owner = await SignUpAsync("owner");
        var other = await SignUpAsync("other");
        var id = await CreateAsync(owner, new { label = "Secret question", hint = "owner only" });

        var attempts = new[]
        {
            await other.GetAsync($"/api/v2/customfield/{id}"),
            await other.PutJsonAsync($"/api/v2/customfield/{id}", new { label = "Hijacked" }),
            await other.PostJsonAsync("/api/v2/customfield/bulksave", new object[] { new { id, label = "Hijacked" } }),
            await other.DeleteAsync($"/api/v2/customfield/{id}"),
            await other.GetAsync($"/api/v2/customfield/{id}?company_id={owner.CompanyId}"),
        };

        Assert.All(attempts, e => Assert.Equal((404, 7), (e.HttpStatus, e.StatusCode)));
        Assert.All(attempts, e => Assert.DoesNotContain("Secret question", e.Data.GetRawText()));
        Assert.Empty(Labels(await other.GetAsync("/api/v2/customfield")));
        Assert.Empty(Labels(await other.GetAsync($"/api/v2/customfield?id={id}")));
        Assert.Equal(["Secret question"], Labels(await owner.GetAsync("/api/v2/customfield")));
    }

    [Fact]
    public async Task ASubAccountHasItsOwnFieldsThatItsParentManagesByCompanyId()
    {
        var parent = await SignUpAsync("parent");
        var childId = await CreateSubAccountAsync(parent);
        await CreateAsync(parent, new { label = "Parent field" });

        var created = await parent.PostJsonAsync($"/api/v2/customfield?company_id={childId}", new { label = "Child field" });

        Assert.Equal(childId, created.Data.GetProperty("company_id").GetInt64());
        Assert.Equal(["Child field"], Labels(await parent.GetAsync($"/api/v2/customfield?company_id={childId}")));
        Assert.Equal(["Parent field"], Labels(await parent.GetAsync("/api/v2/customfield")));
        var fromParentTenant = await parent.GetAsync($"/api/v2/customfield/{created.Data.GetProperty("id").GetInt64()}");
        Assert.Equal((404, 7), (fromParentTenant.HttpStatus, fromParentTenant.StatusCode));
    }

    [Fact]
    public async Task WithoutASessionNothingIsAllowed()
    {
        var refused = new[]
        {
            await Anonymous.GetEnvelopeAsync("/api/v2/customfield"),
            await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/customfield", new { label = "x" })),
            await Envelope.ReadAsync(await Anonymous.PostAsJsonAsync("/api/v2/customfield/bulksave", new[] { new { label = "x" } })),
        };

        Assert.All(refused, e => Assert.Equal((403, 8), (e.HttpStatus, e.StatusCode)));
    }

    private static async Task<long> CreateAsync(Tenant tenant, object body)
    {
        var created = await tenant.PostJsonAsync("/api/v2/customfield", body);
        Assert.True(created.StatusCode == 0, created.StatusDescriptions);
        return created.Data.GetProperty("id").GetInt64();
    }

    private static List<string?> Labels(Envelope list)
    {
        Assert.True(list.StatusCode == 0, list.StatusDescriptions);
        return [.. list.Data.EnumerateArray().Select(f => f.GetProperty("label").GetString())];
    }
}

public sealed class CustomFieldsApiMemoryTests(MemoryApiStorage storage) : CustomFieldsApiTests<MemoryApiStorage>(storage);

public sealed class CustomFieldsApiPostgresTests(PostgresApiStorage storage) : CustomFieldsApiTests<PostgresApiStorage>(storage);
