"""The ``fields`` projection: piece names, module names and field paths → a pruned record.

The registry accepts piece names (``NCTId``, ``Phase``, ``LeadSponsorName``), module and section
names (``ConditionsModule``, ``ProtocolSection``) and dotted field paths
(``protocolSection.designModule.phases``). The answer keeps the nested structure of the record
but only the requested leaves; a branch name keeps its whole subtree; ``hasResults`` appears only
when asked for (see ``tests/fixtures/ctgov/partial/``).
"""

from __future__ import annotations

import re
from typing import Any

from imitation.errors import ApiError
from imitation.schema_paths import STUDY_FIELD_PATHS

Selection = dict[str, "Selection | None"]
"""A trie of record keys; ``None`` marks a key whose whole subtree is selected."""

_P = "protocolSection."
_ID = _P + "identificationModule."
_ST = _P + "statusModule."
_SP = _P + "sponsorCollaboratorsModule."
_OV = _P + "oversightModule."
_DE = _P + "designModule."
_AI = _P + "armsInterventionsModule."
_OU = _P + "outcomesModule."
_EL = _P + "eligibilityModule."
_CL = _P + "contactsLocationsModule."
_RE = _P + "referencesModule."
_IPD = _P + "ipdSharingStatementModule."

PIECE_PATHS: dict[str, str] = {
    "NCTId": _ID + "nctId",
    "NCTIdAlias": _ID + "nctIdAliases",
    "OrgStudyIdInfo": _ID + "orgStudyIdInfo",
    "OrgStudyId": _ID + "orgStudyIdInfo.id",
    "OrgStudyIdType": _ID + "orgStudyIdInfo.type",
    "OrgStudyIdLink": _ID + "orgStudyIdInfo.link",
    "SecondaryIdInfo": _ID + "secondaryIdInfos",
    "SecondaryId": _ID + "secondaryIdInfos.id",
    "SecondaryIdType": _ID + "secondaryIdInfos.type",
    "SecondaryIdDomain": _ID + "secondaryIdInfos.domain",
    "SecondaryIdLink": _ID + "secondaryIdInfos.link",
    "BriefTitle": _ID + "briefTitle",
    "OfficialTitle": _ID + "officialTitle",
    "Acronym": _ID + "acronym",
    "Organization": _ID + "organization",
    "OrgFullName": _ID + "organization.fullName",
    "OrgClass": _ID + "organization.class",
    "StatusVerifiedDate": _ST + "statusVerifiedDate",
    "OverallStatus": _ST + "overallStatus",
    "LastKnownStatus": _ST + "lastKnownStatus",
    "DelayedPosting": _ST + "delayedPosting",
    "WhyStopped": _ST + "whyStopped",
    "ExpandedAccessInfo": _ST + "expandedAccessInfo",
    "HasExpandedAccess": _ST + "expandedAccessInfo.hasExpandedAccess",
    "ExpandedAccessNCTId": _ST + "expandedAccessInfo.nctId",
    "ExpandedAccessStatusForNCTId": _ST + "expandedAccessInfo.statusForNctId",
    "StartDateStruct": _ST + "startDateStruct",
    "StartDate": _ST + "startDateStruct.date",
    "StartDateType": _ST + "startDateStruct.type",
    "PrimaryCompletionDateStruct": _ST + "primaryCompletionDateStruct",
    "PrimaryCompletionDate": _ST + "primaryCompletionDateStruct.date",
    "PrimaryCompletionDateType": _ST + "primaryCompletionDateStruct.type",
    "CompletionDateStruct": _ST + "completionDateStruct",
    "CompletionDate": _ST + "completionDateStruct.date",
    "CompletionDateType": _ST + "completionDateStruct.type",
    "StudyFirstSubmitDate": _ST + "studyFirstSubmitDate",
    "StudyFirstSubmitQCDate": _ST + "studyFirstSubmitQcDate",
    "StudyFirstPostDateStruct": _ST + "studyFirstPostDateStruct",
    "StudyFirstPostDate": _ST + "studyFirstPostDateStruct.date",
    "StudyFirstPostDateType": _ST + "studyFirstPostDateStruct.type",
    "ResultsFirstSubmitDate": _ST + "resultsFirstSubmitDate",
    "ResultsFirstSubmitQCDate": _ST + "resultsFirstSubmitQcDate",
    "ResultsFirstPostDateStruct": _ST + "resultsFirstPostDateStruct",
    "ResultsFirstPostDate": _ST + "resultsFirstPostDateStruct.date",
    "ResultsFirstPostDateType": _ST + "resultsFirstPostDateStruct.type",
    "DispFirstSubmitDate": _ST + "dispFirstSubmitDate",
    "DispFirstSubmitQCDate": _ST + "dispFirstSubmitQcDate",
    "DispFirstPostDateStruct": _ST + "dispFirstPostDateStruct",
    "DispFirstPostDate": _ST + "dispFirstPostDateStruct.date",
    "DispFirstPostDateType": _ST + "dispFirstPostDateStruct.type",
    "LastUpdateSubmitDate": _ST + "lastUpdateSubmitDate",
    "LastUpdatePostDateStruct": _ST + "lastUpdatePostDateStruct",
    "LastUpdatePostDate": _ST + "lastUpdatePostDateStruct.date",
    "LastUpdatePostDateType": _ST + "lastUpdatePostDateStruct.type",
    "ResponsibleParty": _SP + "responsibleParty",
    "ResponsiblePartyType": _SP + "responsibleParty.type",
    "ResponsiblePartyInvestigatorFullName": _SP + "responsibleParty.investigatorFullName",
    "ResponsiblePartyInvestigatorTitle": _SP + "responsibleParty.investigatorTitle",
    "ResponsiblePartyInvestigatorAffiliation": _SP + "responsibleParty.investigatorAffiliation",
    "ResponsiblePartyOldNameTitle": _SP + "responsibleParty.oldNameTitle",
    "ResponsiblePartyOldOrganization": _SP + "responsibleParty.oldOrganization",
    "LeadSponsor": _SP + "leadSponsor",
    "LeadSponsorName": _SP + "leadSponsor.name",
    "LeadSponsorClass": _SP + "leadSponsor.class",
    "Collaborator": _SP + "collaborators",
    "CollaboratorName": _SP + "collaborators.name",
    "CollaboratorClass": _SP + "collaborators.class",
    "OversightHasDMC": _OV + "oversightHasDmc",
    "IsFDARegulatedDrug": _OV + "isFdaRegulatedDrug",
    "IsFDARegulatedDevice": _OV + "isFdaRegulatedDevice",
    "IsUnapprovedDevice": _OV + "isUnapprovedDevice",
    "IsPPSD": _OV + "isPpsd",
    "IsUSExport": _OV + "isUsExport",
    "FDAAA801Violation": _OV + "fdaaa801Violation",
    "BriefSummary": _P + "descriptionModule.briefSummary",
    "DetailedDescription": _P + "descriptionModule.detailedDescription",
    "Condition": _P + "conditionsModule.conditions",
    "Keyword": _P + "conditionsModule.keywords",
    "StudyType": _DE + "studyType",
    "PatientRegistry": _DE + "patientRegistry",
    "TargetDuration": _DE + "targetDuration",
    "Phase": _DE + "phases",
    "DesignInfo": _DE + "designInfo",
    "DesignAllocation": _DE + "designInfo.allocation",
    "DesignInterventionModel": _DE + "designInfo.interventionModel",
    "DesignInterventionModelDescription": _DE + "designInfo.interventionModelDescription",
    "DesignPrimaryPurpose": _DE + "designInfo.primaryPurpose",
    "DesignObservationalModel": _DE + "designInfo.observationalModel",
    "DesignTimePerspective": _DE + "designInfo.timePerspective",
    "DesignMaskingInfo": _DE + "designInfo.maskingInfo",
    "DesignMasking": _DE + "designInfo.maskingInfo.masking",
    "DesignMaskingDescription": _DE + "designInfo.maskingInfo.maskingDescription",
    "DesignWhoMasked": _DE + "designInfo.maskingInfo.whoMasked",
    "BioSpec": _DE + "bioSpec",
    "BioSpecRetention": _DE + "bioSpec.retention",
    "BioSpecDescription": _DE + "bioSpec.description",
    "EnrollmentInfo": _DE + "enrollmentInfo",
    "EnrollmentCount": _DE + "enrollmentInfo.count",
    "EnrollmentType": _DE + "enrollmentInfo.type",
    "ArmGroup": _AI + "armGroups",
    "ArmGroupLabel": _AI + "armGroups.label",
    "ArmGroupType": _AI + "armGroups.type",
    "ArmGroupDescription": _AI + "armGroups.description",
    "ArmGroupInterventionName": _AI + "armGroups.interventionNames",
    "Intervention": _AI + "interventions",
    "InterventionType": _AI + "interventions.type",
    "InterventionName": _AI + "interventions.name",
    "InterventionDescription": _AI + "interventions.description",
    "InterventionArmGroupLabel": _AI + "interventions.armGroupLabels",
    "InterventionOtherName": _AI + "interventions.otherNames",
    "PrimaryOutcome": _OU + "primaryOutcomes",
    "PrimaryOutcomeMeasure": _OU + "primaryOutcomes.measure",
    "PrimaryOutcomeDescription": _OU + "primaryOutcomes.description",
    "PrimaryOutcomeTimeFrame": _OU + "primaryOutcomes.timeFrame",
    "SecondaryOutcome": _OU + "secondaryOutcomes",
    "SecondaryOutcomeMeasure": _OU + "secondaryOutcomes.measure",
    "SecondaryOutcomeDescription": _OU + "secondaryOutcomes.description",
    "SecondaryOutcomeTimeFrame": _OU + "secondaryOutcomes.timeFrame",
    "OtherOutcome": _OU + "otherOutcomes",
    "OtherOutcomeMeasure": _OU + "otherOutcomes.measure",
    "OtherOutcomeDescription": _OU + "otherOutcomes.description",
    "OtherOutcomeTimeFrame": _OU + "otherOutcomes.timeFrame",
    "EligibilityCriteria": _EL + "eligibilityCriteria",
    "HealthyVolunteers": _EL + "healthyVolunteers",
    "Sex": _EL + "sex",
    "GenderBased": _EL + "genderBased",
    "GenderDescription": _EL + "genderDescription",
    "MinimumAge": _EL + "minimumAge",
    "MaximumAge": _EL + "maximumAge",
    "StdAge": _EL + "stdAges",
    "StudyPopulation": _EL + "studyPopulation",
    "SamplingMethod": _EL + "samplingMethod",
    "CentralContact": _CL + "centralContacts",
    "CentralContactName": _CL + "centralContacts.name",
    "CentralContactRole": _CL + "centralContacts.role",
    "CentralContactPhone": _CL + "centralContacts.phone",
    "CentralContactPhoneExt": _CL + "centralContacts.phoneExt",
    "CentralContactEMail": _CL + "centralContacts.email",
    "OverallOfficial": _CL + "overallOfficials",
    "OverallOfficialName": _CL + "overallOfficials.name",
    "OverallOfficialAffiliation": _CL + "overallOfficials.affiliation",
    "OverallOfficialRole": _CL + "overallOfficials.role",
    "Location": _CL + "locations",
    "LocationFacility": _CL + "locations.facility",
    "LocationStatus": _CL + "locations.status",
    "LocationCity": _CL + "locations.city",
    "LocationState": _CL + "locations.state",
    "LocationZip": _CL + "locations.zip",
    "LocationCountry": _CL + "locations.country",
    "LocationContact": _CL + "locations.contacts",
    "LocationContactName": _CL + "locations.contacts.name",
    "LocationContactRole": _CL + "locations.contacts.role",
    "LocationContactPhone": _CL + "locations.contacts.phone",
    "LocationContactPhoneExt": _CL + "locations.contacts.phoneExt",
    "LocationContactEMail": _CL + "locations.contacts.email",
    "LocationGeoPoint": _CL + "locations.geoPoint",
    "Reference": _RE + "references",
    "ReferencePMID": _RE + "references.pmid",
    "ReferenceType": _RE + "references.type",
    "ReferenceCitation": _RE + "references.citation",
    "SeeAlsoLink": _RE + "seeAlsoLinks",
    "SeeAlsoLinkLabel": _RE + "seeAlsoLinks.label",
    "SeeAlsoLinkURL": _RE + "seeAlsoLinks.url",
    "AvailIPD": _RE + "availIpds",
    "IPDSharing": _IPD + "ipdSharing",
    "IPDSharingDescription": _IPD + "description",
    "IPDSharingInfoType": _IPD + "infoTypes",
    "IPDSharingTimeFrame": _IPD + "timeFrame",
    "IPDSharingAccessCriteria": _IPD + "accessCriteria",
    "IPDSharingURL": _IPD + "url",
    "LargeDoc": "documentSection.largeDocumentModule.largeDocs",
    "VersionHolder": "derivedSection.miscInfoModule.versionHolder",
    "RemovedCountry": "derivedSection.miscInfoModule.removedCountries",
    "ConditionMeshTerm": "derivedSection.conditionBrowseModule.meshes.term",
    "ConditionMeshId": "derivedSection.conditionBrowseModule.meshes.id",
    "InterventionMeshTerm": "derivedSection.interventionBrowseModule.meshes.term",
    "InterventionMeshId": "derivedSection.interventionBrowseModule.meshes.id",
    "HasResults": "hasResults",
}
"""Leaf and branch piece names of the registry's data structure → dotted record paths."""

_FIELD_SEPARATOR = re.compile(r"[,|]")


def _module_piece_paths() -> dict[str, str]:
    """Module and section names (``ConditionsModule``, ``IPDSharingStatementModule``)."""
    names: dict[str, str] = {}
    for path in STUDY_FIELD_PATHS:
        last = path.rsplit(".", 1)[-1]
        if last.endswith(("Section", "Module")):
            pascal = "IPD" + last[3:] if last.startswith("ipd") else last[0].upper() + last[1:]
            names[pascal] = path
    return names


PIECE_PATHS.update(_module_piece_paths())


def resolve_field(name: str) -> str:
    """Dotted record path of a piece, module, section or field path; 400 if unknown."""
    if name in PIECE_PATHS:
        return PIECE_PATHS[name]
    if name in STUDY_FIELD_PATHS:
        return name
    raise ApiError(400, f"Parameter 'fields' contains invalid field name: '{name}'")


def parse_fields(raw: str) -> Selection:
    """Parse a ``fields`` parameter (comma- or pipe-separated) into a selection trie."""
    names = [item.strip() for item in _FIELD_SEPARATOR.split(raw)]
    if not any(names):
        raise ApiError(400, "Parameter 'fields' must be a non-empty list of field names")
    selection: Selection = {}
    for name in names:
        if name:
            _add_path(selection, resolve_field(name).split("."))
    return selection


def _add_path(selection: Selection, keys: list[str]) -> None:
    node = selection
    for key in keys[:-1]:
        if key in node and node[key] is None:
            return
        child = node.setdefault(key, {})
        assert child is not None
        node = child
    node[keys[-1]] = None


def project(record: dict[str, Any], selection: Selection) -> dict[str, Any]:
    """Keep only the selected leaves of ``record``, in the record's own key order."""
    projected = _project(record, selection)
    return projected if isinstance(projected, dict) else {}


def _project(node: Any, selection: Selection) -> Any:
    if isinstance(node, dict):
        kept: dict[str, Any] = {}
        for key, value in node.items():
            if key not in selection:
                continue
            below = selection[key]
            if below is None:
                kept[key] = value
            else:
                pruned = _project(value, below)
                if pruned is not None:
                    kept[key] = pruned
        return kept or None
    if isinstance(node, list):
        items = [pruned for item in node if (pruned := _project(item, selection)) is not None]
        return items or None
    return None
