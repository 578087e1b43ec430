import { describe, expect, it } from "vitest";
import { isAdminPath } from "../../src/site/admin-forward";

describe("isAdminPath", () => {
  it.each(["/__errors", "/__errors/", "/__errors/api/incidents", "//__errors/api", "///__errors", "////__errors/x"])("%s is the admin path", (path) => {
    expect(isAdminPath(path, "/__errors")).toBe(true);
  });
  it.each(["/", "/__errorsx", "/__error", "/x/__errors", "//x/__errors", "/__ERRORS"])("%s is not", (path) => {
    expect(isAdminPath(path, "/__errors")).toBe(false);
  });
});
