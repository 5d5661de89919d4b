from articles import licenses

CC_CODES = ["by", "by-sa", "by-nd", "by-nc", "by-nc-sa", "by-nc-nd"]


def test_every_creative_commons_licence_exists_in_every_version():
    for version in ["1.0", "2.0", "2.5", "3.0", "4.0"]:
        for code in CC_CODES:
            assert f"cc-{code}-{version}" in licenses.LICENSES


def test_registry_holds_public_domain_tools_and_non_cc_terms():
    assert licenses.get("cc0-1.0").url == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert licenses.get("pdm-1.0").url == "https://creativecommons.org/publicdomain/mark/1.0/"
    assert licenses.get("permission").name == "Used with permission"
    assert licenses.get("staff").name == "Staff work, all rights reserved"


def test_reference_licence_has_its_name_url_and_terms():
    license = licenses.get("cc-by-nc-nd-2.0")
    assert license.short_name == "CC BY-NC-ND 2.0"
    assert license.url == "https://creativecommons.org/licenses/by-nc-nd/2.0/"
    assert license.name == "Creative Commons Attribution-NonCommercial-NoDerivs 2.0 Generic"
    assert (license.derivatives, license.commercial, license.share_alike) == (False, False, False)


def test_version_4_uses_the_international_name_and_noderivatives():
    license = licenses.get("cc-by-nd-4.0")
    assert license.name == "Creative Commons Attribution-NoDerivatives 4.0 International"
    assert license.url == "https://creativecommons.org/licenses/by-nd/4.0/"


def test_version_1_by_nc_nd_keeps_its_historic_url():
    assert (
        licenses.get("cc-by-nc-nd-1.0").url == "https://creativecommons.org/licenses/by-nd-nc/1.0/"
    )


def test_what_each_element_permits():
    assert licenses.get("cc-by-sa-3.0").share_alike
    assert licenses.get("cc-by-sa-3.0").derivatives
    assert not licenses.get("cc-by-nc-4.0").commercial
    assert licenses.get("cc-by-4.0").commercial
    assert not licenses.get("permission").derivatives


def test_choices_offer_every_licence_once():
    offered = [key for _, group in licenses.choices() for key, _ in group]
    assert sorted(offered) == sorted(licenses.LICENSES)
    assert licenses.choices()[0][0] == "Creative Commons 4.0"
