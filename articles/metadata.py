"""Machine-readable facts about a page: the Open Graph image and the JSON-LD of its picture.

A credit must travel with the picture wherever it goes, so the share card and the structured
data carry the same facts the credit line is made of.
"""

import json


def share_image(image, request):
    """The picture a shared link shows: its share card, else the original, as absolute facts."""
    card = image.renditions.share_card()
    if card is not None:
        url, width, height = card.file.url, card.width, card.height
    else:
        url, width, height = image.file.url, image.width, image.height
    return {"url": request.build_absolute_uri(url), "width": width, "height": height}


def image_object(image, request):
    """A schema.org ImageObject for the picture, with its credit, creator and licence."""
    shown = share_image(image, request)
    data = {
        "@context": "https://schema.org",
        "@type": "ImageObject",
        "contentUrl": request.build_absolute_uri(image.file.url),
        "thumbnailUrl": shown["url"],
        "width": image.width,
        "height": image.height,
    }
    if image.caption:
        data["caption"] = image.caption
    credit = getattr(image, "credit", None)
    if credit is None:
        return data
    terms = credit.license_terms
    data["creditText"] = credit.line()
    if credit.creator:
        # Whether the creator is a person or an organisation is not recorded, so it is not said.
        data["creator"] = {"name": credit.creator}
        if credit.creator_url:
            data["creator"]["url"] = credit.creator_url
    if credit.title:
        data["name"] = credit.title
    if terms.url:
        data["license"] = terms.url
    if credit.source_url:
        data["acquireLicensePage"] = credit.source_url
    return data


def json_ld(data):
    """JSON for a <script type="application/ld+json">, safe against a closing tag in the text."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
